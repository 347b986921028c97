// The GPU struct layouts of src/engine/webgpu/layout.ts: sizes and offsets pinned (no GPU), pack/unpack
// round trips, and on the device: a kernel compiled against the emitted WGSL reads every scalar of a
// Params and Ctl filled with distinct values, and must find each one at the offset the schema computed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINDINGS, ChannelParams, Ctl, InputParams, layoutWgsl, MAX_PROJ, Params, PopParams, ProjParams, SignalParams, Term, TraceParams } from '../../src/engine/webgpu/layout.ts';
import { array, checkUniform, f32, field, pack, packNew, struct, u32, unpack, wgslStruct, type GpuType, type HostValue } from '../../src/engine/webgpu/schema.ts';
import { readShaderFile, sharedConstantsWgsl } from '../../src/engine/webgpu/shaderSource.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { SimState } from '../../src/engine/webgpu/simState.ts';
import { build } from './fixture.ts';
import { getTestDevice, readBuffer, releaseDevice } from './helpers.ts';

/** Every scalar leaf of t: its WGSL access path, byte offset and scalar type. */
function leaves(t: GpuType, path: string, offset: number, out: { path: string; offset: number; type: 'u32' | 'i32' | 'f32'; atomic: boolean }[] = []) {
  if (t.kind === 'scalar') out.push({ path, offset, type: t.name, atomic: t.atomic });
  else if (t.kind === 'array') for (let i = 0; i < t.count; i++) leaves(t.elem, `${path}[${i}]`, offset + i * t.stride, out);
  else for (const f of t.fields) leaves(f.type, `${path}.${f.name}`, offset + f.offset, out);
  return out;
}

/** A value of t whose scalars are all different (counter k), skipping runtime-sized arrays. */
function pattern(t: GpuType, k: { n: number }): HostValue {
  if (t.kind === 'scalar') {
    k.n++;
    return t.name === 'f32' ? k.n + 0.25 : t.name === 'i32' ? -k.n : k.n * 7;
  }
  if (t.kind === 'array') return Array.from({ length: t.count }, () => pattern(t.elem, k));
  const o: Record<string, HostValue> = {};
  for (const f of t.fields) if (!(f.type.kind === 'array' && f.type.count === 0)) o[f.name] = pattern(f.type, k);
  return o;
}

describe('layout schema (host)', () => {
  it('follows the WGSL rules: sizes and offsets pinned', () => {
    expect([Term.size, Term.align]).toEqual([32, 16]);
    expect([PopParams.size, ChannelParams.size, TraceParams.size, InputParams.size, SignalParams.size]).toEqual([112, 48, 16, 64, 16]); // PopParams: 26 scalars (adaptive LIF: adaptCh, adaptKick, noiseAmp; declared neuron state: stateOff, istateOff), 104 bytes rounded to 16; ChannelParams: 4 fields + synapse model, stateOff, istateOff, p0, p1 (36 bytes rounded to 16)
    expect(field(ProjParams, 'onPre').offset).toBe(144); // 34 scalars (136 bytes; delays: delayMin, delayMax, delayOff, arrivalLag, lagTraces0/1), then @align(16)
    expect(field(ProjParams, 'onPost').offset).toBe(176);
    expect(ProjParams.size).toBe(208);
    expect(field(Params, 'pops').offset % 16).toBe(0);
    expect(Params.size).toBe(field(Params, 'projs').offset + MAX_PROJ * 208);
    expect(field(Ctl, 'nSpikes').offset).toBe(8);
    expect(field(Ctl, 'stopStep').offset).toBe(52); // the resident schedule's stop step (issue 19)
    expect(field(Ctl, 'list').offset).toBe(56);
    expect(() => checkUniform(Params)).not.toThrow();
    const s = struct('S', 'test', [['a', f32, ''], ['b', array(u32, 3), '']]);
    expect(() => checkUniform(s)).toThrow(/S.b: offset 4 is not a multiple of 16/);
    expect(() => checkUniform(array(u32, 4))).toThrow(/stride 4 is not a multiple of 16/);
    expect(wgslStruct(Term)).toMatch(/@align\(16\) eta: f32, \/\/ @0/);
  });

  it('pack/unpack round-trip every scalar; bad values and names are refused', () => {
    const v = pattern(Params, { n: 0 });
    const back = unpack(Params, new DataView(packNew(Params, v)));
    expect(back).toEqual(v);
    expect(() => pack(u32, -1, new DataView(new ArrayBuffer(4)))).toThrow(/not a valid u32/);
    expect(() => packNew(Term, { eta: 1 })).toThrow(/missing field a/);
    expect(() => packNew(Term, { ...(pattern(Term, { n: 0 }) as object), bogus: 1 })).toThrow(/no field\(s\) bogus/);
  });

  it('emits one binding per BINDINGS entry, in order', () => {
    const text = layoutWgsl();
    BINDINGS.forEach((b, i) => expect(text).toContain(`@group(0) @binding(${i}) var<`));
    expect(text).toContain('var<uniform> P: Params;');
  });
});

describe('layout schema (device): the emitted WGSL reads every field where the schema put it', () => {
  let device: GPUDevice;
  let state: SimState;
  beforeAll(async () => {
    device = (await getTestDevice()).device;
    const plan = new GpuPlan(build({ N: 500, T_s: 0.1, plastic: true }), { stepsPerSubmit: 1000, spikeWorkgroups: 4, inputWorkgroups: 2 });
    state = await SimState.create(device, plan, 'test device');
  });
  afterAll(() => {
    state?.destroy();
    if (device) releaseDevice(device);
  });

  it('Params (uniform) and the Ctl header (storage, atomics)', async () => {
    const pl = leaves(Params, 'P', 0);
    const cl = leaves(Ctl, 'ctl', 0).filter((l) => l.offset < field(Ctl, 'list').offset);
    const all = [...pl, ...cl];
    expect(state.plan.binCap * state.plan.binStride).toBeGreaterThanOrEqual(all.length);
    const word = (l: (typeof all)[number]): string => {
      const v = l.atomic ? `atomicLoad(&${l.path})` : l.path;
      return l.type === 'u32' ? v : `bitcast<u32>(${v})`;
    };
    const body = all.map((l, i) => `  bins[${i}] = bitcast<f32>(${word(l)});`).join('\n');
    const code = [sharedConstantsWgsl(), layoutWgsl(), readShaderFile('common'), `@compute @workgroup_size(1)\nfn main() {\n${body}\n}`].join('\n');
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    expect(info.messages.filter((m) => m.type === 'error').map((m) => m.message)).toEqual([]);
    const pipeline = await device.createComputePipelineAsync({ layout: state.pipelineLayout, compute: { module, entryPoint: 'main' } });
    const params = packNew(Params, pattern(Params, { n: 0 }));
    const ctl = new ArrayBuffer(field(Ctl, 'list').offset);
    pack(Ctl, pattern(Ctl, { n: 5000 }), new DataView(ctl));
    device.queue.writeBuffer(state.params, 0, params);
    device.queue.writeBuffer(state.buffers.ctl, 0, ctl);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setBindGroup(0, state.bindGroup);
    pass.setPipeline(pipeline);
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([enc.finish()]);
    const got = new Uint32Array(await readBuffer(device, state.buffers.bins, 4 * all.length));
    const want = all.map((l, i) => new DataView(i < pl.length ? params : ctl).getUint32(l.offset, true));
    const bad = all.map((l, i) => (got[i] === want[i] ? null : `${l.path} @${l.offset}: got ${got[i]} want ${want[i]}`)).filter(Boolean);
    expect(bad).toEqual([]);
    expect(all.length).toBeGreaterThan(500);
  });
});
