// The one-dispatch batch's packing and WGSL rewrite (src/engine/webgpu/batchModule.ts), without a device.
import { describe, expect, it } from 'vitest';
import { BatchNet, CtlHead, batchFit, batchLayoutWgsl, batchWgsl, type NetBytes } from '../../src/engine/webgpu/batchModule.ts';
import { Ctl, Params } from '../../src/engine/webgpu/layout.ts';
import { field } from '../../src/engine/webgpu/schema.ts';

const net = (k: number): NetBytes => ({ fstate: 400 * k, istate: 800, acc: 1200, weight: 16 * k, graph: 4000, bins: 64, list: 36 });
const roomy = { maxComputeWorkgroupsPerDimension: 65535, maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28, maxStorageBuffersPerShaderStage: 8 };

describe('batchFit', () => {
  it('packs the networks end to end: bases in elements, totals in bytes', () => {
    const l = batchFit([net(1), net(2), net(3)], roomy);
    expect(l.bases.map((b) => b.fstate)).toEqual([0, 100, 300]);
    expect(l.bases.map((b) => b.weight)).toEqual([0, 4, 12]);
    expect(l.bases.map((b) => b.list)).toEqual([0, 9, 18]);
    expect(l.bytes.fstate).toBe(2400);
    expect(l.bytes.nets).toBe(3 * BatchNet.size);
    expect(l.bytes.ctl).toBe(3 * CtlHead.size + 108);
  });

  it('names the limit a batch exceeds', () => {
    expect(() => batchFit([net(1), net(1), net(1)], { ...roomy, maxComputeWorkgroupsPerDimension: 2 })).toThrow(/B = 3 networks does not fit: .*maxComputeWorkgroupsPerDimension = 2/);
    expect(() => batchFit([net(1), net(1)], { ...roomy, maxStorageBufferBindingSize: 7999 })).toThrow(/packed graph buffer of B = 2 networks \(8,000 bytes\) does not fit: maxStorageBufferBindingSize = 7,999 bytes/);
    expect(() => batchFit([net(1), net(1)], { ...roomy, maxBufferSize: 7000 })).toThrow(/does not fit: maxBufferSize = 7,000 bytes/);
    expect(() => batchFit([net(1)], { ...roomy, maxStorageBuffersPerShaderStage: 7 })).toThrow(/8 storage bindings; maxStorageBuffersPerShaderStage = 7/);
  });
});

describe('batch layout and rewrite', () => {
  it('CtlHead is Ctl without its list, so one copy moves a header', () => {
    expect(CtlHead.size).toBe(field(Ctl, 'list').offset);
    expect(field(BatchNet, 'base').offset).toBe(Params.size);
  });

  it('declares nets and the batched ctl in place of P and Ctl', () => {
    const t = batchLayoutWgsl(5);
    expect(t).toMatch(/@binding\(0\) var<storage, read> nets: array<BatchNet>;/);
    expect(t).toMatch(/@binding\(1\) var<storage, read_write> ctl: CtlBatch;/);
    expect(t).toMatch(/head: array<CtlHead, 5>/);
    expect(t).not.toMatch(/var<uniform> P: Params/);
  });

  it("sends every access to the workgroup's network", () => {
    const src = 'let a = fstate[P.vOff + i]; istate[x] = 1; atomicAdd(&acc[k], 1); wacc[k]; weight_0[i]; graph_0[i]; bins[b + 1u]; ctl.list[P.spikeOff + s] = g; atomicLoad(&ctl.halt); ctl.steps[0];';
    expect(batchWgsl(src)).toBe(
      'let a = fstate[net_base.f + nets[net_id].p.vOff + i]; istate[net_base.i + x] = 1; atomicAdd(&acc[net_base.a + k], 1); wacc[k]; weight_0[net_base.w + i]; graph_0[net_base.g + i]; bins[net_base.b + b + 1u]; ctl.list[net_base.l + nets[net_id].p.spikeOff + s] = g; atomicLoad(&ctl.head[net_id].halt); ctl.head[net_id].steps[0];',
    );
  });
});
