// Run guards, one test each that triggers it: mean rate above maxRate_Hz, NaN in V, NaN in a weight,
// fixed-point overflow of a recurrent and of an input channel, a weight leaving its clip bounds, and an
// unbounded rule changing a weight's sign. The run stops at once with a RunGuardError naming the guard,
// the step, the place and the value; recordings up to it are kept and a guard checkpoint is written.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import type { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import { runSimulation, type RunResult } from '../../src/pipeline/simulation.ts';
import { readJson, readNpy } from '../../src/io/files.ts';
import { hebbian } from '../../src/model/rules.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { cli, injectingEngine, small } from './checkpointHelpers.ts';

/** Runs a spec on the CPU engine (optionally editing its state at a step); returns the result and the checkpoints written. */
async function guarded(spec: NetworkSpec, inject?: { at: number; edit: (e: CpuEngine) => void }): Promise<{ r: RunResult; written: { reason: string; step: number }[] }> {
  const written: { reason: string; step: number }[] = [];
  const r = await runSimulation(spec, {
    backend: 'cpu',
    ...(inject ? { engineFactory: async (net: BuiltNetwork) => injectingEngine(net, inject.at, inject.edit) } : {}),
    checkpoint: { write: (s: EngineSnapshot, info) => void written.push({ reason: info.reason, step: s.step }) },
  });
  return { r, written };
}

describe('run guards', () => {
  it("'rate': mean rate above maxRate_Hz stops the run (CLI: exit 3, message, summary, recordings, guard checkpoint)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-guard-'));
    const spec = { ...small('akil-istdp-demo', 300, 0.5), maxRate_Hz: 0.001 };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const out = join(dir, 'out');
    const r = await cli(['run', join(dir, 'spec.json'), '--backend', 'cpu', '--quiet', '--out', out]);
    expect(r.status).toBe(3);
    expect(r.err).toMatch(/run stopped early by guard 'rate' at step 999 \(t = 0\.1000 s\): mean rate [\d.]+ Hz exceeds maxRate_Hz = 0\.001/);
    expect(r.err).toMatch(/where: bin 0 \(t = 0\.100 s\); value: \d/);
    expect(r.err).toContain(join(out, 'guard.pnck'));
    const sum = readJson(join(out, 'summary.json')) as { meta: { stoppedBy: { guard: string; step: number; value: number } } };
    expect(sum.meta.stoppedBy).toMatchObject({ guard: 'rate', step: 999 });
    expect(sum.meta.stoppedBy.value).toBeGreaterThan(0.001);
    expect(readNpy(join(out, 'population_rate_Hz.npy')).shape).toEqual([1, 2]); // the bin that fired is kept
    expect(existsSync(join(out, 'weights_E_from_I_Jscaled.npy'))).toBe(true);
    const info = await cli(['checkpoint-info', join(out, 'guard.pnck')]);
    expect(JSON.parse(info.out)).toMatchObject({ reason: 'guard', resumable: false, stoppedBy: { guard: 'rate', step: 999 } });
    const res = await cli(['resume', out, '--checkpoint', join(out, 'guard.pnck'), '--quiet']);
    expect(res.status).toBe(2);
    expect(res.err).toMatch(/was written when guard 'rate' fired .* cannot be resumed/);
  });

  it("'nan': a NaN membrane potential is caught at the end of its bin, with the neuron", async () => {
    const { r, written } = await guarded(small('akil-static', 300, 0.3), { at: 150, edit: (e) => (e.state.v[7] = NaN) });
    expect(r.stoppedBy).toMatchObject({ guard: 'nan', step: 999 });
    expect(r.stoppedBy!.where).toMatch(/bin 0, neuron 7 \(population E\), t = 0\.1000 s/);
    expect(r.stoppedBy!.value).toBeNaN();
    expect(r.recordings.series.nBins).toBe(1);
    expect(written).toEqual([{ reason: 'guard', step: 999 }]);
  });

  it("'nan': a NaN weight is caught at the end of its bin, with the synapse", async () => {
    const spec = small('akil-istdp-demo', 300, 0.3);
    const { r } = await guarded(spec, { at: 999, edit: (e) => (e.state.weights[1]![5] = NaN) });
    expect(r.stoppedBy).toMatchObject({ guard: 'nan', step: 999 });
    expect(r.stoppedBy!.where).toMatch(/projection E<-I synapse 5 \(pre \d+, post \d+\)/);
  });

  it("'overflow': a recurrent spike whose fixed-point increment exceeds i32", async () => {
    const spec = small('akil-static', 300, 0.3);
    Object.assign(spec.projections[0]!, { j: 1e7, scaleBySqrtN: false }); // E<-E: J/tau * 2^20 = 1.3e12
    const { r, written } = await guarded(spec);
    expect(r.stoppedBy?.guard).toBe('overflow');
    expect(r.stoppedBy!.where).toMatch(/neuron \d+, channel E/);
    expect(Math.abs(r.stoppedBy!.value)).toBeGreaterThan(2 ** 31);
    expect(written[0]?.reason).toBe('guard');
  });

  it("'overflow': an input channel's fixed-point input exceeding i32 (checked where the static bound allows it)", async () => {
    const spec = small('akil-static', 300, 0.3);
    Object.assign(spec.projections[4]!, { j: 1e7, scaleBySqrtN: false }); // E<-X
    const { r } = await guarded(spec);
    expect(r.stoppedBy?.guard).toBe('overflow');
    expect(r.stoppedBy!.where).toMatch(/neuron \d+ \(population E\), input channel X, t = /);
    expect(r.stoppedBy!.step).toBeLessThan(50);
  });

  it("'weight-bounds': a weight outside its clip bounds", async () => {
    const spec = small('akil-istdp-demo', 300, 0.3);
    spec.projections[1]!.plasticity!.bounds = { jMin: -300, jMax: 0, mode: 'clip' };
    const { r } = await guarded(spec, { at: 999, edit: (e) => (e.state.weights[1]![3] = 5 / Math.sqrt(300)) });
    expect(r.stoppedBy).toMatchObject({ guard: 'weight-bounds', step: 999 });
    expect(r.stoppedBy!.where).toMatch(/projection E<-I synapse 3/);
    expect(r.stoppedBy!.value).toBeCloseTo(5, 4);
    expect(r.stoppedBy!.message).toMatch(/left its bounds \[-300, 0\] \(clip bounds\)/);
  });

  it("'weight-bounds': an unbounded excitatory rule driving a weight negative (sign change)", async () => {
    const spec = akilNetwork({ N: 300, T_s: 0.5, plastic: { 'E<-E': hebbian({ eta: 1 }) } });
    const { r } = await guarded(spec);
    expect(r.stoppedBy?.guard).toBe('weight-bounds');
    expect(r.stoppedBy!.where).toMatch(/projection E<-E synapse \d+/);
    expect(r.stoppedBy!.value).toBeLessThan(0);
    expect(r.stoppedBy!.message).toMatch(/\[0, inf\) \(an excitatory projection may not change sign\)/);
  });
});
