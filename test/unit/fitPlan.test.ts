// The WebGPU engine's dry-run memory plan (src/engine/webgpu/fitPlan.ts, `plasticnet run --plan`): its layout is
// GpuPlan's on the built network up to the expected-vs-drawn synapse counts; the Akil network with E<-I plastic
// and stored (static projections among populations procedural) is refused at N = 3e5 by the storage bindings (the
// column index in its own array, colPre packed), and fits with procedural input projections (a planner hook); the
// largest N that fits an H200's limits is found by bisection.
import { describe, expect, it } from 'vitest';
import { describeFit, deviceFit, H200_LIMITS, largestFittingN, planNetwork, type FitLimits } from '../../src/engine/webgpu/fitPlan.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { MAX_CHUNKED_ELEMS } from '../../src/engine/webgpu/chunks.ts';
import { derive } from '../../src/model/derive.ts';
import { estimateResources, FINAL_WEIGHT_STREAM_BYTES, formatBytes, HOST_BYTES_PER_SYNAPSE } from '../../src/model/estimate.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { nnzOf } from '../../src/network/connectivity.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { getPreset } from '../../src/presets/index.ts';
import { cli } from './checkpointHelpers.ts';

const EI = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

/** Akil with EI iSTDP on E<-I (stored), every projection 'bernoulli-counter', static ones among populations procedural. */
function akil3(N: number, procedural = true): NetworkSpec {
  const s = akilNetwork({ N, T_s: 0.1, plastic: { 'E<-I': EI } });
  const pops = new Set(s.populations.map((p) => p.name));
  s.projections = s.projections.map((p) => ({ ...p, connectivity: 'bernoulli-counter' as const, ...(procedural && !p.plasticity && pops.has(p.pre) ? { storage: 'procedural' as const } : {}) }));
  return validate(s);
}

const opts = { stepsPerSubmit: 1000, spikeWorkgroups: 4, inputWorkgroups: 2 };

describe('WebGPU memory plan without a device', () => {
  it("lays out the graph as GpuPlan does on the built network (only the synapse counts differ)", () => {
    for (const procedural of [false, true]) {
      const d = derive(akil3(2000, procedural));
      const built = buildNetwork(d);
      const real = new GpuPlan(built, opts);
      const planned = new GpuPlan(planNetwork(d), opts);
      // graph: targets of every stored projection, plus colW and colPre of plastic ones; weights: plastic ones
      let dGraph = 0;
      let dWeight = 0;
      for (const pr of d.projections) {
        if (pr.storage === 'procedural') continue;
        const diff = nnzOf(built.csr[pr.index]!) - Math.round(pr.p * pr.pre.size * pr.post.size);
        dGraph += pr.plastic ? 3 * diff : diff;
        if (pr.plastic) dWeight += diff;
      }
      expect(real.graph.total - planned.graph.total).toBe(dGraph);
      expect(real.weightLen - planned.weightLen).toBe(dWeight);
      expect(Object.keys(planned.bytes())).toEqual(Object.keys(real.bytes()));
    }
  });

  it('N = 3e5 (E<-I plastic and stored, 1.08e10 synapses): the column index in its own array, refused by the storage bindings, with the chunks and the limit', () => {
    const f = deviceFit(akil3(300_000), H200_LIMITS);
    expect(f.synapses).toBe(1.08e10);
    expect(f.storedSynapses).toBe(3.24e9); // E<-I 1.44e9 (plastic), E<-X 1.44e9, I<-X 3.6e8 (inputs: not procedural)
    // graph: the targets (3.24e9) and row pointers; colidx: E<-I's column pointers, colW (1.44e9) and colPre packed
    // two to a word (7.2e8: the 60,000 I neurons fit 16 bits); each under 2^32 - 2^16.
    expect(f.colsSplit).toBe(true);
    expect(f.pre16).toEqual(['E<-I']);
    expect(f.graphElems).toBe(3_240_181_769);
    expect(f.colidxElems).toBe(240_001 + 1.44e9 + 7.2e8);
    expect(f.refusal).toContain(
      'in 7 chunks of at most 2,147,483,644 bytes, buffer SimState.colidx needs 8,640,960,004 bytes (colPtr 960,004 B, colW 5,760,000,000 B, colPre 2,880,000,000 B) in 5 chunks of at most 2,147,483,644 bytes, ' +
        'and buffer SimState.weight needs 5,760,000,000 bytes (1,440,000,000 plastic synapses) in 3 chunks of at most 2,147,483,644 bytes (maxStorageBufferBindingSize = 2,147,483,644 bytes): ' +
        '20 storage bindings per pipeline (ctl, fstate, istate, acc, bins, 3 weight and 7 graph and 5 colidx chunks) but the device allows maxStorageBuffersPerShaderStage = 16.',
    );
    expect(f.chunked.sort()).toEqual(['E<-I', 'E<-X']);
    expect(f.uploaded).toEqual([]);
  });

  it('N = 3e5 with procedural input projections (the hook): fits an H200 in exactly 16 storage bindings', () => {
    const f = deviceFit(akil3(300_000), H200_LIMITS, { proceduralInputs: true });
    expect(f.proceduralInputs).toEqual(['E<-X', 'I<-X']);
    expect(f.storedSynapses).toBe(1.44e9);
    expect(f.refusal).toBeNull();
    // 5 single + 3 graph (E<-I targets, 5.76e9 B) + 5 colidx (8.64e9 B) + 3 weight (5.76e9 B)
    expect(f.bindings).toBe(16);
    expect(f.colsSplit).toBe(true);
    expect(f.graphElems).toBe(1_440_062_201);
    expect(f.chunked).toEqual(['E<-I']);
    expect(describeFit(f)).toContain('assuming procedural input projections E<-X, I<-X, stored in the spec');
    expect(describeFit(f)).toContain('column index 2,160,240,001 elements in its own array (colidx; presynaptic indices packed two to a word: E<-I)');
    // Without packing colPre (E<-I's column index 2.88e9 elements: 6 chunks) it would need 17.
    const unpacked = 5 + 3 + Math.ceil((4 * (240_001 + 2 * 1.44e9)) / (2 ** 31 - 4)) + 3;
    expect(unpacked).toBe(17);
  });

  it('N = 2e5 fits an H200: E<-I and E<-X built in chunks, 13 storage bindings, the column index in graph', () => {
    const f = deviceFit(akil3(200_000), H200_LIMITS);
    expect(f.refusal).toBeNull();
    expect(f.chunked.sort()).toEqual(['E<-I', 'E<-X']);
    expect(f.bindings).toBe(13);
    expect(f.colsSplit).toBe(false);
    expect(f.graphElems).toBeLessThanOrEqual(MAX_CHUNKED_ELEMS);
  });

  it('the largest N that fits an H200: 259,000 (storage bindings; the column index split past 251,000), 317,000 with procedural inputs; fewer bindings or less memory lower it, with the limit named', () => {
    const n = largestFittingN(akil3, H200_LIMITS, 1_000_000, 1000);
    expect(n).toBe(259_000);
    expect(deviceFit(akil3(251_000), H200_LIMITS).colsSplit).toBe(false);
    expect(deviceFit(akil3(252_000), H200_LIMITS).colsSplit).toBe(true); // graph with the column index would pass 2^32 - 2^16
    expect(deviceFit(akil3(n), H200_LIMITS).refusal).toBeNull();
    expect(deviceFit(akil3(n + 1000), H200_LIMITS).refusal).toContain('storage bindings per pipeline');
    const np = largestFittingN(akil3, H200_LIMITS, 1_000_000, 1000, { proceduralInputs: true });
    expect(np).toBe(317_000);
    expect(deviceFit(akil3(np + 1000), H200_LIMITS, { proceduralInputs: true }).refusal).toContain('18 storage bindings per pipeline (ctl, fstate, istate, acc, bins, 4 weight and 4 graph and 5 colidx chunks)');
    const eight: FitLimits = { ...H200_LIMITS, name: 'eight', maxStorageBuffersPerShaderStage: 8 };
    expect(deviceFit(akil3(200_000), eight).refusal).toContain('13 storage bindings per pipeline');
    expect(deviceFit(akil3(200_000), eight).refusal).toContain('maxStorageBuffersPerShaderStage = 8');
    const fit = deviceFit(akil3(200_000), H200_LIMITS);
    // E<-I (plastic) is built in chunks: the host holds its row pointers and one chunk of the streamed final weights
    expect(fit.hostBytesDeviceBuild).toBe(estimateResources(akil3(200_000), { build: 'device', chunkedPlastic: fit.chunked }).hostBytes);
    const whole = estimateResources(akil3(200_000), { build: 'device' }).hostBytes;
    const ei = akil3(200_000).projections.find((p) => p.plasticity)!;
    const eiSyn = ei.p * 160_000 * 40_000;
    expect(whole - fit.hostBytesDeviceBuild).toBeCloseTo(HOST_BYTES_PER_SYNAPSE * eiSyn - 4 * (40_000 + 1) - FINAL_WEIGHT_STREAM_BYTES, -2);
    expect(fit.hostBytesDeviceBuild).toBeLessThan(estimateResources(akil3(200_000)).hostBytes);
    expect(describeFit(fit)).toContain(`host memory if built on the device about ${formatBytes(fit.hostBytesDeviceBuild)}`);
    const small: FitLimits = { ...H200_LIMITS, name: 'small', memoryBytes: 2 ** 33 };
    expect(deviceFit(akil3(200_000), small).refusal).toMatch(/more than the 8\.00 GiB of device memory assumed/);
  });

  it('plasticnet run --plan prints the plan and exits 0 when it fits, 2 with the limit when it does not; nothing is built', async () => {
    const set = ['E<-E', 'I<-E', 'I<-I', 'E<-I', 'E<-X', 'I<-X'].flatMap((p) => ['--set', `projections[${p}].connectivity=bernoulli-counter`]);
    const proc = ['E<-E', 'I<-E', 'I<-I'].flatMap((p) => ['--set', `projections[${p}].storage=procedural`]);
    const ok = await cli(['run', 'akil-fig3-istdp-ei', '--N', '200000', '--plan', ...set, ...proc]);
    expect(ok.err).toBe('');
    expect(ok.out).toContain('WebGPU plan for N = 200,000 on NVIDIA H200 (assumed');
    expect(ok.out).toContain('built on the device in chunks: E<-I, E<-X');
    // host memory of both builds, labelled; the device build's is the { build: 'device' } estimate (E<-X, I<-X: row
    // pointers only; E<-I built in chunks: row pointers and a chunk of the streamed final weights)
    const s2 = akil3(200_000);
    const hostB = formatBytes(estimateResources(s2).hostBytes);
    // (the CLI's spec: the preset's recording, which counts at MiB resolution)
    const cliSpec = getPreset('akil-fig3-istdp-ei');
    cliSpec.N = 200_000;
    cliSpec.projections = cliSpec.projections.map((p) => ({ ...p, connectivity: 'bernoulli-counter' as const, ...(!p.plasticity && p.pre !== 'X' ? { storage: 'procedural' as const } : {}) }));
    const devB = formatBytes(estimateResources(validate(cliSpec), { build: 'device', chunkedPlastic: ['E<-I'] }).hostBytes);
    expect(hostB).not.toBe(devB);
    expect(ok.out).toContain(`host memory about ${hostB} (network built on the host), ${devB} (network built on the device)`);
    expect(ok.out).toContain(`host memory if built on the device about ${devB}`);
    expect(ok.status).toBe(0);
    const no = await cli(['run', 'akil-fig3-istdp-ei', '--N', '300000', '--plan', ...set, ...proc]);
    expect(no.out).toContain('does not fit: Network does not fit on NVIDIA H200');
    expect(no.out).toContain('20 storage bindings per pipeline');
    expect(no.out).toContain("with procedural input projections (E<-X, I<-X; set their storage to 'procedural', e.g. --set 'projections[E<-X].storage=procedural'): graph 1,440,062,201 elements, column index 2,160,240,001 (own array); fits, 16 storage bindings");
    expect(no.status).toBe(2);
    // the same spec with the input projections procedural, as the hint says: the plan the option predicted, exit 0
    const inputs = ['E<-X', 'I<-X'].flatMap((p) => ['--set', `projections[${p}].storage=procedural`]);
    const yes = await cli(['run', 'akil-fig3-istdp-ei', '--N', '300000', '--plan', ...set, ...proc, ...inputs]);
    expect(yes.err).toBe('');
    expect(yes.out).toContain('WebGPU plan for N = 300,000 on NVIDIA H200 (assumed');
    expect(yes.out).not.toContain('does not fit');
    expect(yes.out).not.toContain('with procedural input projections');
    expect(yes.status).toBe(0);
  });
});
