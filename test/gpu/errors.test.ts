// Clear errors from the WebGPU engine: a network that does not fit names the buffer and both sizes; a
// fixed-point overflow is flagged on the GPU and raised as RunGuardError('overflow') at the step the CPU
// reference raises it; a WebGPU validation error during a run names the pass it came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { RunGuardError } from '../../src/engine/engine.ts';
import { NO_OVERFLOW } from '../../src/engine/webgpu/layout.ts';
import type { GpuPass } from '../../src/engine/webgpu/passes/pass.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { checkFits } from '../../src/engine/webgpu/simState.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { ulp32 } from '../tolerances.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { build, cloneState } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

describe('WebGPU engine errors', () => {
  const dev = useTestDevice();
  let net: BuiltNetwork;
  let engine: WebGpuEngine; // N = 500, pass by pass: shared by the state-level tests
  beforeAll(async () => {
    net = build({ N: 500, T_s: 0.1 });
    engine = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule: 'passes' });
  });
  afterAll(() => {
    engine?.dispose(); // before useTestDevice's afterAll releases the device (after-hooks run in reverse)
  });

  it('a network that does not fit names the buffer, the bytes it needs and the limit', () => {
    const plan = new GpuPlan(build({ N: 500, T_s: 0.1 }), { stepsPerSubmit: 1000, spikeWorkgroups: 8, inputWorkgroups: 2 });
    const bytes = plan.bytes();
    const fmt = (n: number): string => n.toLocaleString('en');
    // ctl is the largest one-binding buffer here: over the binding size it is refused (it has no chunks).
    expect(bytes.ctl).toBe(Math.max(bytes.ctl, bytes.fstate, bytes.istate, bytes.acc, bytes.bins));
    const limits = (binding: number, buffer: number, bindings: number): GPUSupportedLimits =>
      ({ maxStorageBufferBindingSize: binding, maxBufferSize: buffer, maxStorageBuffersPerShaderStage: bindings }) as GPUSupportedLimits;
    expect(() => checkFits(plan, limits(bytes.ctl - 4, 2 ** 30, 1000), 'a test device')).toThrow(
      new RegExp(`SimState\\.ctl needs ${fmt(bytes.ctl)} bytes .* maxStorageBufferBindingSize = ${fmt(bytes.ctl - 4)}`),
    );
    expect(() => checkFits(plan, limits(2 ** 30, bytes.ctl - 4, 1000), 'a test device')).toThrow(/SimState\.ctl needs .* maxBufferSize/);
    // The graph beyond one binding goes in chunks of the limit, until the storage bindings run out.
    expect(bytes.graph).toBeGreaterThan(2 * bytes.ctl);
    const kg = Math.ceil(plan.graph.total / Math.floor(bytes.ctl / 4));
    expect(kg).toBe(3);
    expect(checkFits(plan, limits(bytes.ctl, 2 ** 30, 9), 'a test device')).toMatchObject({ graph: { count: 3 }, weight: { count: 1 }, storageBindings: 9 });
    expect(() => checkFits(plan, limits(bytes.ctl, 2 ** 30, 8), 'a test device')).toThrow(
      new RegExp(`SimState\\.graph needs ${fmt(bytes.graph)} bytes \\(rowPtr .*post .*\\) in 3 chunks .* 9 storage bindings per pipeline .* maxStorageBuffersPerShaderStage = 8`),
    );
  });

  it('a wrapping fixed-point partial sum is flagged with its step and accumulator', async () => {
    {
      const cpu = new CpuEngine(net);
      const st = cloneState(cpu.state);
      const d = net.derived;
      const E = d.pops[0]!;
      // Every E neuron spikes; E's accumulators start just below the i32 maximum.
      st.spikes.set(Int32Array.from({ length: E.size }, (_, i) => E.offset + i));
      st.nSpikes = E.size;
      st.acc.fill(2 ** 31 - 10, E.channel * d.N, (E.channel + 1) * d.N);
      engine.uploadState(st, 7);
      await engine.runPasses(['synapse_propagate']);
      const g = await engine.downloadState();
      expect(g.ovfStep).toBe(7);
      expect(Math.floor(g.ovfIndex / d.N)).toBe(E.channel);
    }
  });

  for (const schedule of ['fused', 'resident'] as const) {
    it(`${schedule}: runaway excitation: RunGuardError('overflow') at the CPU reference's step`, async () => {
      const spec = validate(akilNetwork({ N: 500, T_s: 0.3, j: [[20000, -150], [112.5, -250]] }));
      const net = buildNetwork(derive(spec));
      const cpu = new CpuEngine(net);
      const cpuErr = await cpu.advance(net.derived.nSteps).then(() => null, (e: unknown) => e);
      expect(cpuErr).toBeInstanceOf(RunGuardError);
      const engine = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule });
      try {
        const gpuErr = await engine.advance(net.derived.nSteps).then(() => null, (e: unknown) => e);
        expect(gpuErr).toBeInstanceOf(RunGuardError);
        const c = cpuErr as RunGuardError;
        const g = gpuErr as RunGuardError;
        console.log(`CPU: ${c.message}\nGPU: ${g.message}`);
        expect(g.guard).toBe(c.guard);
        expect(g.guard).toBe('overflow');
        expect(g.step).toBe(c.step);
        expect(engine.step).toBe(cpu.step);
        expect(g.where).toMatch(/channel E/);
      } finally {
        engine.dispose();
      }
    });
  }

  for (const [schedule, connectivity] of [['fused', 'bernoulli'], ['resident', 'bernoulli'], ['fused', 'bernoulli-counter']] as const) {
    it(`${schedule}, ${connectivity}: a weight leaving its sign range: RunGuardError('weight-bounds') identical to the CPU reference's`, async () => {
      // E<-I weights (negative) pushed up by an additive pre term until they change sign.
      const rule = { rule: 'general', tauSTDP_ms: 200, eta: 1e-3, onPre: { a: 3000, bPre: 0, bPost: 0, weightDep: 'none' as const }, onPost: { a: 0, bPre: 0, bPost: 0, weightDep: 'none' as const } };
      const spec = akilNetwork({ N: 500, T_s: 0.3, plastic: { 'E<-I': rule } });
      spec.projections = spec.projections.map((p) => ({ ...p, connectivity }));
      // 'bernoulli-counter': the message's post index comes from the row regenerated on the host (feed.ts postOf)
      const net = buildNetwork(derive(validate(spec)));
      const cpu = new CpuEngine(net);
      const c = (await cpu.advance(net.derived.nSteps).then(() => null, (e: unknown) => e)) as RunGuardError;
      const engine = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule });
      try {
        const g = (await engine.advance(net.derived.nSteps).then(() => null, (e: unknown) => e)) as RunGuardError;
        expect(c).toBeInstanceOf(RunGuardError);
        expect(g).toBeInstanceOf(RunGuardError);
        expect(c.guard).toBe('weight-bounds');
        // Same guard, step, synapse and text; the weight's value is exact on SwiftShader and within the
        // f32 bound on a hardware GPU (fused a * b + c in the update: 1 ulp per update; measured on an
        // NVIDIA H100: 118.328171 vs 118.328182, 9e-8 relative), so the number is compared apart.
        const num = /j = (-?[\d.]+)/;
        expect(g.message.replace(num, 'j = #')).toBe(c.message.replace(num, 'j = #'));
        if (dev.info.isSoftware) expect(g.value).toBe(c.value);
        else expect(Math.abs(g.value - c.value)).toBeLessThanOrEqual(engine.step * ulp32(c.value));
        expect(engine.step).toBe(cpu.step);
      } finally {
        engine.dispose();
      }
    });
  }

  it('a non-finite V at the end of a bin is flagged (lowest neuron) and halts the GPU', async () => {
    {
      const st = cloneState(new CpuEngine(net).state);
      st.v[42] = NaN;
      st.v[7] = Infinity;
      const last = net.derived.binSteps - 1;
      engine.uploadState(st, last - 1); // not a bin end: no check
      await engine.runPasses(['trace_update']);
      expect((await engine.downloadState()).faultStep).toBe(NO_OVERFLOW);
      engine.uploadState(st, last);
      await engine.runPasses(['trace_update']);
      const g = await engine.downloadState();
      expect([g.faultStep, g.vBad, g.halt]).toEqual([last, 7, 1]);
    }
  });

  it('a validation error in a run names the pass (the last test on the shared engine)', async () => {
    engine.uploadState(new CpuEngine(net).state, 0); // clears the halt of the tests above
    {
      // A pipeline whose layout does not match SimState.bindGroup: dispatching it fails validation.
      const module = dev.device.createShaderModule({ code: '@group(0) @binding(0) var<storage, read_write> x: array<u32>; @compute @workgroup_size(1) fn main() { x[0] = 1u; }' });
      const bad = dev.device.createComputePipeline({ label: 'Broken.pipeline', layout: 'auto', compute: { module, entryPoint: 'main' } });
      const broken: GpuPass = {
        name: 'trace_update',
        encode(pass) {
          pass.setPipeline(bad);
          pass.dispatchWorkgroups(1);
        },
      };
      const original = engine.stepPasses.bind(engine);
      engine.stepPasses = (t: number) => [...original(t), broken];
      await expect(engine.advance(50)).rejects.toThrow(/WebGPU validation error in pass 'trace_update' \(steps 0\.\.49\)/);
    }
  });

  it('NO_OVERFLOW is the all-ones u32', () => {
    expect(NO_OVERFLOW).toBe(0xffffffff);
  });
});
