// A tiny typed schema for GPU structs: computes sizes, offsets and alignment by the WGSL rules
// (WGSL §"Memory layout": AlignOf, SizeOf, roundUp), emits the WGSL struct text, and packs/unpacks
// host values by field name. The emitted text carries an explicit @align(16) on the first member of
// uniform-usable structs, so the WGSL compiler and this file cannot disagree on an offset.

export type ScalarName = 'u32' | 'i32' | 'f32';

export interface ScalarType {
  kind: 'scalar';
  name: ScalarName;
  atomic: boolean;
  size: 4;
  align: 4;
}

export interface ArrayType {
  kind: 'array';
  elem: GpuType;
  count: number; // 0: runtime-sized (last member of a storage struct only)
  stride: number;
  size: number; // count * stride (runtime-sized: 0)
  align: number;
}

export interface StructField {
  name: string;
  type: GpuType;
  offset: number;
  align: number; // effective alignment (explicit @align or AlignOf(type))
  alignAttr: number | undefined; // emitted as @align(n)
  doc: string;
}

export interface StructType {
  kind: 'struct';
  name: string;
  doc: string;
  fields: StructField[];
  size: number;
  align: number;
}

export type GpuType = ScalarType | ArrayType | StructType;

const scalar = (name: ScalarName, atomic = false): ScalarType => ({ kind: 'scalar', name, atomic, size: 4, align: 4 });
export const u32 = scalar('u32');
export const i32 = scalar('i32');
export const f32 = scalar('f32');
export const atomicU32 = scalar('u32', true);
export const atomicI32 = scalar('i32', true);

const roundUp = (k: number, n: number): number => Math.ceil(n / k) * k;

/** array<elem, count> (count 0: runtime-sized array<elem>). Stride = roundUp(AlignOf(E), SizeOf(E)). */
export function array(elem: GpuType, count: number): ArrayType {
  const stride = roundUp(elem.align, elem.size);
  return { kind: 'array', elem, count, stride, size: count * stride, align: elem.align };
}

export type FieldSpec = [name: string, type: GpuType, doc: string];

/**
 * A struct laid out by the WGSL rules. `uniform: true` puts @align(16) on the first member, which makes
 * AlignOf(S) = 16 and SizeOf(S) a multiple of 16: what the uniform address space requires of a struct
 * used as a member or array element there.
 */
export function struct(name: string, doc: string, specs: FieldSpec[], opts: { uniform?: boolean } = {}): StructType {
  const fields: StructField[] = [];
  let end = 0;
  let maxAlign = 1;
  specs.forEach(([fname, type, fdoc], i) => {
    if (type.kind === 'array' && type.count === 0 && i !== specs.length - 1)
      throw new Error(`struct ${name}: runtime-sized array '${fname}' must be the last member`);
    const alignAttr = opts.uniform && i === 0 ? Math.max(16, type.align) : undefined;
    const align = alignAttr ?? type.align;
    const offset = roundUp(align, end);
    fields.push({ name: fname, type, offset, align, alignAttr, doc: fdoc });
    end = offset + type.size;
    maxAlign = Math.max(maxAlign, align);
  });
  return { kind: 'struct', name, doc, fields, size: roundUp(maxAlign, end), align: maxAlign };
}

/** Field of a struct by name (throws with the known names). */
export function field(s: StructType, name: string): StructField {
  const f = s.fields.find((x) => x.name === name);
  if (!f) throw new Error(`struct ${s.name} has no field '${name}' (fields: ${s.fields.map((x) => x.name).join(', ')})`);
  return f;
}

/** WGSL spelling of a type. */
export function wgslType(t: GpuType): string {
  if (t.kind === 'scalar') return t.atomic ? `atomic<${t.name}>` : t.name;
  if (t.kind === 'struct') return t.name;
  return t.count === 0 ? `array<${wgslType(t.elem)}>` : `array<${wgslType(t.elem)}, ${t.count}>`;
}

/** WGSL declaration of one struct, with the schema's docs as comments and its offsets noted. */
export function wgslStruct(s: StructType): string {
  const lines = [`// ${s.doc} (${s.size} bytes)`, `struct ${s.name} {`];
  for (const f of s.fields) {
    const attr = f.alignAttr !== undefined ? `@align(${f.alignAttr}) ` : '';
    lines.push(`  ${attr}${f.name}: ${wgslType(f.type)}, // @${f.offset}: ${f.doc}`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** Every struct reachable from the given ones, dependencies first, each once. */
export function structClosure(roots: GpuType[]): StructType[] {
  const out: StructType[] = [];
  const visit = (t: GpuType): void => {
    if (t.kind === 'array') return visit(t.elem);
    if (t.kind !== 'struct' || out.includes(t)) return;
    for (const f of t.fields) visit(f.type);
    out.push(t);
  };
  roots.forEach(visit);
  return out;
}

/**
 * Checks the uniform address space's extra constraints (WGSL "Address space layout constraints"):
 * struct and array members at offsets that are multiples of 16, array strides multiples of 16.
 */
export function checkUniform(t: GpuType, path = t.kind === 'struct' ? t.name : 'value'): void {
  if (t.kind === 'array') {
    if (t.count === 0) throw new Error(`${path}: runtime-sized arrays are not allowed in uniform buffers`);
    if (t.stride % 16 !== 0) throw new Error(`${path}: array stride ${t.stride} is not a multiple of 16 (uniform)`);
    checkUniform(t.elem, `${path}[]`);
  } else if (t.kind === 'struct') {
    for (const f of t.fields) {
      if (f.type.kind !== 'scalar' && f.offset % 16 !== 0)
        throw new Error(`${path}.${f.name}: offset ${f.offset} is not a multiple of 16 (uniform)`);
      checkUniform(f.type, `${path}.${f.name}`);
    }
  }
}

export type HostValue = number | HostValue[] | { [k: string]: HostValue };

/**
 * Writes value into view at offset by the schema: structs from objects with exactly the field names,
 * fixed arrays from arrays of at most `count` items (the rest stay zero), scalars range-checked.
 */
export function pack(t: GpuType, value: HostValue, view: DataView, offset = 0, path = 'value'): void {
  if (t.kind === 'scalar') {
    if (typeof value !== 'number') throw new Error(`${path}: expected a number for ${t.name}`);
    if (t.name === 'f32') view.setFloat32(offset, value, true);
    else {
      const lo = t.name === 'u32' ? 0 : -(2 ** 31);
      const hi = t.name === 'u32' ? 2 ** 32 - 1 : 2 ** 31 - 1;
      if (!Number.isInteger(value) || value < lo || value > hi) throw new Error(`${path}: ${value} is not a valid ${t.name}`);
      if (t.name === 'u32') view.setUint32(offset, value, true);
      else view.setInt32(offset, value, true);
    }
  } else if (t.kind === 'array') {
    if (!Array.isArray(value)) throw new Error(`${path}: expected an array`);
    if (t.count !== 0 && value.length > t.count) throw new Error(`${path}: ${value.length} items exceed the array's ${t.count}`);
    value.forEach((v, i) => pack(t.elem, v, view, offset + i * t.stride, `${path}[${i}]`));
  } else {
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path}: expected an object for struct ${t.name}`);
    const names = new Set(t.fields.map((f) => f.name));
    const extra = Object.keys(value).filter((k) => !names.has(k));
    if (extra.length) throw new Error(`${path}: struct ${t.name} has no field(s) ${extra.join(', ')}`);
    for (const f of t.fields) {
      const v = value[f.name];
      if (v === undefined) {
        if (f.type.kind === 'array' && f.type.count === 0) continue; // runtime tail: written separately
        throw new Error(`${path}: missing field ${f.name} of struct ${t.name}`);
      }
      pack(f.type, v, view, offset + f.offset, `${path}.${f.name}`);
    }
  }
}

/** A new ArrayBuffer holding value laid out as t (size: SizeOf(t)). */
export function packNew(t: GpuType, value: HostValue): ArrayBuffer {
  const buf = new ArrayBuffer(t.size);
  pack(t, value, new DataView(buf), 0);
  return buf;
}

/** Reads a value laid out as t (fixed arrays in full; runtime tails skipped). */
export function unpack(t: GpuType, view: DataView, offset = 0): HostValue {
  if (t.kind === 'scalar') {
    if (t.name === 'f32') return view.getFloat32(offset, true);
    return t.name === 'u32' ? view.getUint32(offset, true) : view.getInt32(offset, true);
  }
  if (t.kind === 'array') {
    const out: HostValue[] = [];
    for (let i = 0; i < t.count; i++) out.push(unpack(t.elem, view, offset + i * t.stride));
    return out;
  }
  const out: { [k: string]: HostValue } = {};
  for (const f of t.fields) {
    if (f.type.kind === 'array' && f.type.count === 0) continue;
    out[f.name] = unpack(f.type, view, offset + f.offset);
  }
  return out;
}
