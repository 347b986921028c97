// Rate networks on the engine registry (model kind 'rate') and the shared run loop: core recordings without a spike
// part, checkpoints at trial boundaries that resume bit-identically (in process and through `plasticnet resume`),
// and a checkpoint refused for a spec it was not written with (named error, exit 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelEngine } from '../../src/engine/engines.ts';
import { engineProvider, registeredEngines } from '../../src/engine/registry.ts';
import { SnapshotError, type EngineSnapshot, type SnapshotArray } from '../../src/engine/snapshot.ts';
import { readNpy } from '../../src/io/files.ts';
import { writeOutputs } from '../../src/output/writeOutputs.ts';
import { hasSpikes } from '../../src/record/recordings.ts';
import { RateSession } from '../../src/models/rate/checkpoint.ts';
import { deriveRate } from '../../src/models/rate/derive.ts';
import type { RateCoreRecordings } from '../../src/models/rate/engine.ts';
import { soldadoSpec } from '../../src/models/rate/presets.ts';
import { runRate, type RateResult } from '../../src/models/rate/run.ts';
import type { RateInit, RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';

const u = (lo: number, hi: number): RateInit => ({ kind: 'uniform', lo, hi });
/** 2 networks of 3 E + 2 I units (25 weights each: dense blocks, diagonals 0), noise on, cross-homeostatic, 9 trials of 600 ms (6000 steps), traces of trials 1, 5, 9. */
const spec = (batch = 2): RateSpec =>
  validateRateSpec(soldadoSpec({ name: 'ck', n: [3, 2], batch, rule: 'cross-homeostatic', alphaE: 2e-3, trials: 9, trial_ms: 600, traceTrials: [1, 5, 9], init: [u(0.5, 2), u(0.5, 1.5), u(2, 5), u(0.3, 1)] }));

const copy = (s: EngineSnapshot): EngineSnapshot => ({ ...s, scalars: { ...s.scalars }, arrays: Object.fromEntries(Object.entries(s.arrays).map(([k, v]) => [k, v.slice() as SnapshotArray])) });

function expectSameRecordings(a: RateResult, b: RateResult): void {
  const ra = a.recordings;
  const rb = b.recordings;
  for (const k of ['trialMean_Hz', 'trialAvg_Hz', 'weightSum', 'initialWeights', 'finalWeights', 'finalMean_Hz', 'finalAvg_Hz'] as const) expect(rb[k], k).toEqual(ra[k]);
  expect(rb.traces.map((t) => t.trial)).toEqual(ra.traces.map((t) => t.trial));
  rb.traces.forEach((t, i) => expect(t.data).toEqual(ra.traces[i]!.data));
}

/** Runs until the first periodic checkpoint (every 3 trials), stops there and returns that checkpoint. */
async function checkpointAt3(s: RateSpec): Promise<{ snap: EngineSnapshot; r: RateResult }> {
  const every = 3 * deriveRate(s).trialSteps;
  let snap: EngineSnapshot | null = null;
  const r = await runRate(s, { checkpoint: { everySteps: every, write: (x) => void (snap ??= copy(x)) }, shouldStop: () => (snap ? 'SIGTERM' : null) });
  return { snap: snap!, r };
}

describe('rate engine in the registry and the shared run loop', () => {
  it("registers 'cpu' and 'webgpu' for model kind 'rate' beside the spiking engines, and refuses an unknown name listing them", async () => {
    const m = deriveRate(spec());
    const e = await createModelEngine('rate', m, 'cpu');
    expect(e.backend).toBe('cpu');
    e.dispose();
    expect(registeredEngines('rate')).toEqual(expect.arrayContaining(['cpu', 'webgpu']));
    expect(engineProvider('cpu', 'rate')?.model).toBe('rate');
    expect(engineProvider('cpu')?.model ?? 'spiking').toBe('spiking'); // the spiking CPU engine is another entry
    await expect(createModelEngine('rate', m, 'nope')).rejects.toThrow(/backend 'nope' is not available for rate networks .*registered engines: cpu, webgpu/);
    // 'auto' without a handed-in device: the CPU reference
    const a = await createModelEngine('rate', m, 'auto');
    expect(a.backend).toBe('cpu');
    a.dispose();
  });

  it('records the core part (one bin per trial = network 0 trial means, plastic blocks) and no spike part', async () => {
    const s = spec();
    const m = deriveRate(s);
    const e = await createModelEngine('rate', m, 'cpu');
    await e.advance(4 * m.trialSteps);
    expect(e.step).toBe(4 * m.trialSteps);
    await expect(e.advance(m.trialSteps + 1)).rejects.toThrow(/whole trials of 6000 steps/);
    const rec = (await e.recordings()) as RateCoreRecordings;
    e.dispose();
    expect(hasSpikes(rec)).toBe(false);
    expect(rec.series.nBins).toBe(4);
    expect(rec.series.bin_ms).toBe(600);
    expect(rec.populations).toEqual([{ name: 'E', offset: 0, size: 3 }, { name: 'I', offset: 3, size: 2 }]);
    expect(Array.from(rec.series.rate_Hz)).toEqual(Array.from(rec.rate.trialMean_Hz.subarray(0, 8)));
    expect(rec.plasticNames).toEqual(['E<-E', 'E<-I', 'I<-E', 'I<-I']);
    expect(rec.finalWeights[0]!.j).toEqual(rec.rate.finalWeights.subarray(0, 9));
    expect(rec.series.rate_Hz.some((x) => x > 0)).toBe(true);
  });

  it('a run stopped at its trial-3 checkpoint and resumed from it is bit-identical to the run straight through', async () => {
    const s = spec();
    const full = await runRate(s);
    const { snap, r } = await checkpointAt3(s);
    expect(r.interrupted).toEqual({ reason: 'SIGTERM', step: 3 * deriveRate(s).trialSteps });
    expect(snap.scalars['rate.trial']).toBe(3);
    const resumed = await runRate(s, { resumeFrom: { snapshot: snap, wall_s: 0 } });
    expectSameRecordings(full, resumed);
  }, 120_000);

  it('a checkpoint of another batch size is refused naming the array and sizes (SnapshotError)', async () => {
    const { snap } = await checkpointAt3(spec(2));
    await expect(runRate(spec(3), { resumeFrom: { snapshot: snap, wall_s: 0 } })).rejects.toThrow(SnapshotError);
    await expect(runRate(spec(3), { resumeFrom: { snapshot: snap, wall_s: 0 } })).rejects.toThrow(/snapshot array 'rate\.W' has 50 elements, this network needs 75/);
  }, 120_000);
});

describe('plasticnet resume <rate run>', () => {
  const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

  /** A run directory as `plasticnet run --checkpoint-every sim:1.8s` leaves it when stopped after trial 3. */
  async function stoppedRun(s: RateSpec): Promise<string> {
    const dir = join(mkdtempSync(join(tmpdir(), 'pn-rateck-')), 'run');
    writeOutputs(dir, [{ name: 'spec.json', json: s }]);
    const session = new RateSession(dir, s, { every: { text: 'sim:1.8s', sim_s: 1.8 } });
    let wrote = false;
    const o = session.runOptions();
    const write = o.checkpoint!.write;
    await runRate(s, { ...o, checkpoint: { ...o.checkpoint!, write: (x, i) => ((wrote = true), write(x, i)) }, shouldStop: () => (wrote ? 'SIGTERM' : null) });
    expect(session.lastCheckpoint?.step).toBe(3 * deriveRate(s).trialSteps);
    return dir;
  }

  it('continues from checkpoint.pnck to the same arrays as the run straight through, and removes the checkpoint', async () => {
    const s = spec();
    const full = await runRate(s);
    const dir = await stoppedRun(s);
    const r = cli(['resume', dir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(Array.from(readNpy(join(dir, 'weights_final.npy')).data)).toEqual(Array.from(full.recordings.finalWeights));
    expect(Array.from(readNpy(join(dir, 'trial_mean_Hz.npy')).data)).toEqual(Array.from(full.recordings.trialMean_Hz));
    expect(Array.from(readNpy(join(dir, 'trace_trial9.npy')).data)).toEqual(Array.from(full.recordings.traces[2]!.data));
    expect(cli(['resume', dir]).stderr).toMatch(/has finished \(summary\.json\) and left no checkpoint/);
  }, 240_000);

  it('refuses to resume after spec.json changed (exit 2, the changed field named)', async () => {
    const s = spec();
    const dir = await stoppedRun(s);
    const edited = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8'));
    edited.plasticity.alphaE = 1e-3;
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(edited));
    const r = cli(['resume', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has changed since the checkpoint was written .*plasticity\.alphaE: 0\.002 -> 0\.001/);
  }, 240_000);
});
