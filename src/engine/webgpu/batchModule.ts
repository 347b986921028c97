// The one-dispatch batch's packed layout and WGSL (issue 19): B networks of one shape, each network's
// state, weights, accumulators, lists and recordings at its own offsets in shared buffers, one workgroup
// per network (shaders/resident_batch.wgsl). The module is the resident module of one network with a
// batch layout (the Params of every network in `nets`, with its base offsets; the Ctl headers side by
// side) and every buffer access rewritten to the workgroup's network (batchWgsl). batchFit checks the
// device limits and names the one that a batch exceeds.
import { Ctl, Params, SINGLE_CHUNKS, layoutWgsl } from './layout.ts';
import { array, struct, u32, wgslStruct, type StructType } from './schema.ts';

/** Per-network base offsets (elements) in the packed buffers. */
export const NetBase = struct('NetBase', "a batch network's base offsets (elements) in the packed buffers", [
  ['f', u32, 'fstate'],
  ['i', u32, 'istate'],
  ['a', u32, 'acc'],
  ['w', u32, 'weight'],
  ['g', u32, 'graph'],
  ['b', u32, 'bins'],
  ['l', u32, 'ctl.list'],
]);

/** One network of a batch: its Params and its bases. */
export const BatchNet = struct('BatchNet', 'one network of a batch: its Params and its base offsets', [
  ['p', Params, 'the Params of that network (as the single-network uniform P)'],
  ['base', NetBase, ''],
]);

/** Ctl without its runtime-sized list: one per network of a batch. */
export const CtlHead = struct(
  'CtlHead',
  "Ctl's control words without the list (one per batch network)",
  Ctl.fields.filter((f) => f.name !== 'list').map((f) => [f.name, f.type, f.doc]),
);

/** The batch's ctl binding: B headers, then every network's list end to end. */
export function ctlBatch(B: number): StructType {
  return struct('CtlBatch', `the Ctl headers of ${B} networks, then their lists end to end (list of network k at its base l)`, [
    ['head', array(CtlHead, B), ''],
    ['list', array(u32, 0), ''],
  ]);
}

/** Elements of each packed buffer (besides nets and ctl's headers) a network's bases point into. */
export type PackedName = 'fstate' | 'istate' | 'acc' | 'weight' | 'graph' | 'bins' | 'list';
/** The NetBase field of each packed buffer. */
const BASE_OF: Record<PackedName, string> = { fstate: 'f', istate: 'i', acc: 'a', weight: 'w', graph: 'g', bins: 'b', list: 'l' };
export const PACKED: readonly PackedName[] = Object.keys(BASE_OF) as PackedName[];

/** Bytes of each packed section of one network (all multiples of 4). */
export type NetBytes = Record<PackedName, number>;

export interface BatchLayout {
  B: number;
  /** Bases (elements) of network k in each packed buffer. */
  bases: Record<PackedName, number>[];
  /** Total bytes of each packed buffer; nets and ctl included. */
  bytes: Record<PackedName | 'nets' | 'ctl', number>;
}

/** The WGSL binding lines of layoutWgsl that the batch replaces, and their replacements. */
const BINDING_SWAPS: readonly [RegExp, string][] = [
  [/^@group\(0\) @binding\(0\) var<uniform> P: Params;.*$/m, '@group(0) @binding(0) var<storage, read> nets: array<BatchNet>; // every network\'s Params and bases'],
  [/^@group\(0\) @binding\(1\) var<storage, read_write> ctl: Ctl;.*$/m, '@group(0) @binding(1) var<storage, read_write> ctl: CtlBatch; // every network\'s control words and lists'],
];

/** The generated layout of a batch of B networks (one chunk of weight and graph each). */
export function batchLayoutWgsl(B: number): string {
  let text = layoutWgsl(SINGLE_CHUNKS);
  for (const [re, line] of BINDING_SWAPS) {
    if (!re.test(text)) throw new Error(`batchLayoutWgsl: layout.ts no longer declares the binding ${re.source}`);
    text = text.replace(re, line);
  }
  return [text, ...[NetBase, BatchNet, CtlHead, ctlBatch(B)].map(wgslStruct), ''].join('\n');
}

/**
 * Rewrites a resident module (batchLayoutWgsl first, then the pass files and resident_batch.wgsl) so that
 * every access goes to the workgroup's network: `P.` to `nets[net_id].p.`, `ctl.list[` to
 * `ctl.list[net_base.l + `, other `ctl.` to `ctl.head[net_id].`, and `fstate[`, `istate[`, `acc[`,
 * `weight_0[`, `graph_0[`, `bins[` to the same with `net_base.<f|i|a|w|g|b> + ` in front of the index.
 * Adding in front is the same as adding to the whole index: WGSL does not let an operator of lower
 * precedence than + (shift, bitwise, comparison) stand unparenthesised next to +, so any index that
 * would group otherwise fails to compile instead of reading the wrong element.
 */
export function batchWgsl(code: string): string {
  const base: Record<string, string> = { fstate: 'f', istate: 'i', acc: 'a', weight_0: 'w', graph_0: 'g', bins: 'b' };
  return code
    .replace(/\bctl\.list\[/g, 'ctl.list[net_base.l + ')
    .replace(/\bctl\.(?!list\[)/g, 'ctl.head[net_id].')
    .replace(/\bP\./g, 'nets[net_id].p.')
    .replace(/\b(fstate|istate|acc|weight_0|graph_0|bins)\[/g, (_m, n: string) => `${n}[net_base.${base[n]!} + `);
}

/** What a batch's packing needs of the device. */
export interface BatchLimits {
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxStorageBuffersPerShaderStage: number;
}

/** Packs the networks' sections end to end; throws "does not fit", naming the limit, where the device is too small. */
export function batchFit(nets: readonly NetBytes[], limits: BatchLimits): BatchLayout {
  const B = nets.length;
  if (B > limits.maxComputeWorkgroupsPerDimension)
    throw new RangeError(`GpuBatch: B = ${B} networks does not fit: one workgroup per network, and maxComputeWorkgroupsPerDimension = ${limits.maxComputeWorkgroupsPerDimension}`);
  if (limits.maxStorageBuffersPerShaderStage < 8)
    throw new RangeError(`GpuBatch: the batch kernel needs 8 storage bindings; maxStorageBuffersPerShaderStage = ${limits.maxStorageBuffersPerShaderStage}`);
  const bases: Record<PackedName, number>[] = [];
  const total = Object.fromEntries(PACKED.map((n) => [n, 0])) as Record<PackedName, number>;
  for (const nb of nets) {
    bases.push(Object.fromEntries(PACKED.map((n) => [n, total[n] / 4])) as Record<PackedName, number>);
    for (const n of PACKED) total[n] += nb[n];
  }
  const bytes = { ...total, nets: B * BatchNet.size, ctl: B * CtlHead.size + total.list };
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const which = limits.maxStorageBufferBindingSize <= limits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  for (const [name, b] of Object.entries(bytes)) {
    if (name === 'list') continue; // inside ctl
    if (b > limit) throw new RangeError(`GpuBatch: the packed ${name} buffer of B = ${B} networks (${b.toLocaleString('en')} bytes) does not fit: ${which} = ${limit.toLocaleString('en')} bytes; run fewer networks per batch`);
    if (b / 4 > 0xffffffff) throw new RangeError(`GpuBatch: the packed ${name} buffer of B = ${B} networks has more than 2^32 elements (u32 indices)`);
  }
  return { B, bases, bytes };
}

/** nets[k]'s base as the NetBase host value. */
export function netBaseValue(b: Record<PackedName, number>): Record<string, number> {
  return Object.fromEntries(PACKED.map((n) => [BASE_OF[n], b[n]]));
}
