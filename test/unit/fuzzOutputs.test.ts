// Fuzzing of run outputs (issue 25; fuzz.test.ts checks only "rejected with a SpecError or no crash"): presets at
// tiny sizes with numeric fields scaled by random factors (fast-check, fixed seed); every spec that validates
// and is small is run through runSimulation on the CPU engine, and its outputs must have the properties any
// correct run has, whatever the parameters:
//  - the run finishes, or stops with a named guard (rate, nan, overflow, weight-bounds) at a step inside the run;
//  - no neuron spikes more often than once per step (refractory: once per refSteps + 1 steps) in [statsStart, T];
//  - every recorded bin of a finished run has a mean rate within maxRate_Hz (what the rate guard allows), and a
//    run stopped by the rate guard stopped in the first bin above it;
//  - the summary of a finished run has every population (rate, CV, Fano, currents of every channel plus 'total'),
//    every plastic projection, with finite, non-negative rates that agree with the spike counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { SpecError, validate } from '../../src/model/validate.ts';
import { tinyPresets, type Json } from './tinyPresets.ts';
import { summarize } from '../../src/stats/summary.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20251203);
const RUNS = 150 * Number(process.env['FUZZ_SCALE'] ?? 1);

/** Presets at N = 60, T = 20 ms, bins of 1 ms, windows of 5 ms, statistics from 5 ms. */
const BASES = tinyPresets({ T_s: 0.02, window_ms: 5, statsStart_s: 0.005 });

/** Paths of the numeric leaves of a JSON tree, except the sizes and recording fields fixed by tiny(). */
function numericPaths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === 'number') {
    if (at[0] !== 'recording' && at[0] !== 'N' && at[0] !== 'T_s' && at[0] !== 'dt_ms') out.push(at);
  } else if (Array.isArray(v)) v.forEach((x, i) => numericPaths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) numericPaths(x, [...at, k], out);
  return out;
}

const outcome = { rejected: 0, finished: 0, guard: 0 };

async function checkOutputs(raw: Json): Promise<void> {
  let spec: NetworkSpec;
  try {
    spec = validate(raw);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    outcome.rejected++;
    return;
  }
  const r = await runSimulation(spec, { backend: 'cpu' });
  const rec = r.recordings;
  const dt = spec.dt_ms;
  const nSteps = Math.round((spec.T_s * 1000) / dt);
  const binSteps = Math.round(spec.recording.bin_ms / dt);
  const binS = (binSteps * dt) / 1000;
  const N = rec.populations.reduce((a, p) => a + p.size, 0);
  // At most one spike per step and neuron, once per refSteps + 1 steps, in the statistics interval.
  const statsSteps = Math.max(0, rec.steps - rec.statsStart_step);
  for (const [pi, p] of rec.populations.entries()) {
    const refSteps = Math.round(spec.populations[pi]!.neuron.refractory_ms / dt);
    const most = Math.ceil(statsSteps / (refSteps + 1));
    for (let i = p.offset; i < p.offset + p.size; i++) {
      const n = rec.neuronStats.spikeCount[i]!;
      if (n > most) expect.fail(`${spec.name}: neuron ${i} (${p.name}) spiked ${n} times in ${statsSteps} steps (refractory ${refSteps} steps)`);
    }
  }
  // What the rate guard allows: every bin's mean rate over all neurons within maxRate_Hz.
  const binMean = (b: number) => rec.populations.reduce((a, p, pi) => a + rec.series.rate_Hz[b * rec.populations.length + pi]! * p.size, 0) / N;
  const over = (b: number) => binMean(b) > spec.maxRate_Hz * (1 + 1e-12);
  if (r.stoppedBy) {
    outcome.guard++;
    expect(['rate', 'nan', 'overflow', 'weight-bounds']).toContain(r.stoppedBy.guard);
    expect(r.stoppedBy.step).toBeGreaterThanOrEqual(0);
    expect(r.stoppedBy.step).toBeLessThan(nSteps);
    expect(r.stoppedBy.message.length).toBeGreaterThan(0);
    const nb = rec.series.nBins;
    for (let b = 0; b < nb - 1; b++) expect(over(b), `${spec.name}: bin ${b} above maxRate before the guard fired`).toBe(false);
    if (r.stoppedBy.guard === 'rate') expect(over(nb - 1), `${spec.name}: rate guard fired at a bin within maxRate`).toBe(true);
    return;
  }
  outcome.finished++;
  expect(rec.steps).toBe(nSteps);
  expect(rec.series.nBins).toBe(Math.floor(nSteps / binSteps));
  for (let b = 0; b < rec.series.nBins; b++) if (over(b)) expect.fail(`${spec.name}: bin ${b} mean rate ${binMean(b)} Hz above maxRate_Hz ${spec.maxRate_Hz} in a finished run`);
  expect(binS).toBeGreaterThan(0);
  const s = summarize(rec);
  const channels = rec.series.channels;
  const dur_s = (statsSteps * dt) / 1000;
  for (const p of rec.populations) {
    const ps = s.populations[p.name];
    expect(ps, `${spec.name}: population ${p.name} missing from the summary`).toBeDefined();
    for (const k of ['size', 'rate_Hz', 'cv_isi', 'fano', 'meanVar', 'meanCount', 'currents']) expect(ps, `${spec.name}.${p.name}`).toHaveProperty(k);
    expect(ps!.size).toBe(p.size);
    expect(Number.isFinite(ps!.rate_Hz) && ps!.rate_Hz >= 0, `${spec.name}: rate of ${p.name} = ${ps!.rate_Hz}`).toBe(true);
    let count = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) count += rec.neuronStats.spikeCount[i]!;
    if (p.size > 0) expect(Math.abs(ps!.rate_Hz - count / (p.size * dur_s))).toBeLessThanOrEqual(1e-9 * Math.max(1, ps!.rate_Hz));
    expect(Object.keys(ps!.currents).sort()).toEqual([...channels, 'total'].sort());
  }
  const plastic = spec.projections.filter((pr) => pr.plasticity && spec.populations.some((p) => p.name === pr.pre)).map((pr) => `${pr.post}<-${pr.pre}`);
  for (const name of plastic) {
    expect(s.plastic[name], `${spec.name}: plastic projection ${name} missing from the summary`).toBeDefined();
    expect(Number.isFinite(s.plastic[name]!.jMeanFinal), `${spec.name}: ${name} jMeanFinal ${s.plastic[name]!.jMeanFinal}`).toBe(true);
  }
}

describe('fuzz outputs: runs of randomly scaled presets have the properties of any correct run', () => {
  it(`${RUNS} presets with 1-4 numeric fields scaled (x0.5 .. x3, sign kept)`, async () => {
    const caseArb = fc.tuple(fc.nat({ max: BASES.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(0.5, 0.8, 1.25, 2, 3)), { minLength: 1, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(caseArb, async ([b, edits]) => {
        const s = structuredClone(BASES[b]!);
        const nums = numericPaths(s);
        for (const [at, f] of edits) {
          const p = nums[at % nums.length]!;
          let parent: unknown = s;
          for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
          const obj = parent as Record<string | number, number>;
          const key = p[p.length - 1]!;
          obj[key] = Number.isInteger(obj[key]) && Math.abs(obj[key]!) >= 1 ? Math.round(obj[key]! * f) : obj[key]! * f;
        }
        await checkOutputs(s);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`fuzz outputs: ${JSON.stringify(outcome)}`);
    // Not vacuous: most cases ran to the end.
    expect(outcome.finished).toBeGreaterThan(RUNS / 3);
  });
});
