// Property-based fuzzing of spec validation and the engine (fast-check, fixed seed): thousands of random
// and mutated specs (from every preset: fields set to random JSON and edge values, deleted, added,
// swapped) go to validate(); those it accepts go on to derive() + buildNetwork() + a few CPU engine
// steps at tiny sizes. Each case must end as a SpecError (rejected with a named field) or run (a
// RunGuardError counts as running: the run stopped with a named guard). Any other exception, or a hang,
// fails the test and fast-check prints the shrunk spec. Cases whose size would make the engine slow are
// validated and derived but not built (counted as 'big').
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { RunGuardError } from '../../src/engine/engine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { SpecError, validate } from '../../src/model/validate.ts';
import { tinyPresets, type Json } from './tinyPresets.ts';

// FUZZ_SEED and FUZZ_SCALE (a run-count multiplier) explore further: FUZZ_SCALE=20 npx vitest run test/unit/fuzz.test.ts
const SEED = Number(process.env['FUZZ_SEED'] ?? 20240610);
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);
const STEPS = 40; // engine steps per accepted case

/** Presets scaled down so an accepted spec runs in milliseconds: N = 60, T = 4 ms, bins of 1 ms. */
const BASES = tinyPresets({ T_s: 0.004, window_ms: 1, statsStart_s: 0.001 });

/** Every path (list of keys) in a JSON tree, the root included. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function getAt(root: unknown, p: (string | number)[]): unknown {
  let v = root;
  for (const k of p) v = (v as Record<string | number, unknown>)?.[k];
  return v;
}

const EDGE_NUMBERS = [0, -0, -1, 1, 0.5, 0.1, 1e-9, 1e-300, 1e9, 1e300, -1e300, 2 ** 31, 2 ** 32, 65535, 65536, 1e7, 1e4, 999, 1000, 1001, NaN, Infinity, -Infinity, 0.30000000000000004];
const WORDS = ['eif', 'lif', 'cond_lif', 'adaptive_lif', 'poisson', 'bernoulli', 'bernoulli-counter', 'procedural', 'stored', 'auto', 'double_exponential', 'fixed-indegree', 'kohonen', 'istdp-ei', 'vogels', 'general', 'clip', 'gate', 'none', 'linear', 'E', 'I', 'X', 'E<-I', '', 'constructor', '__proto__', 'toString'];

/** A replacement value: random JSON, edge numbers, a scaled copy of the old number, words, odd JS values. */
const valueArb = (old: unknown): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
    { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }).map((f) => (typeof old === 'number' ? old * f : f)) },
    { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, undefined, 10n, [1, 2, 3]) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 300 }) },
  );

type Mutation = { kind: 'set' | 'delete' | 'add' | 'swap' | 'dup'; at: number; other: number; key: string; pick: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('set', 'set', 'set', 'delete', 'add', 'swap', 'dup'),
  at: fc.nat(),
  other: fc.nat(),
  key: fc.oneof(fc.constantFrom('name', 'N', 'j', 'plasticity', 'bounds', 'tauSyn_ms', 'extra', 'activeWindow_s', 'signals', 'storage', 'delay', 'synapse'), fc.string({ maxLength: 6 })),
  pick: fc.nat(),
});

/** Applies mutations to a copy of `base`; `values` supplies the new values (one per mutation). */
function mutate(base: Json, muts: Mutation[], values: unknown[]): unknown {
  let root: unknown = structuredClone(base);
  muts.forEach((m, i) => {
    const all = paths(root);
    const p = all[m.at % all.length]!;
    const value = values[i];
    if (p.length === 0) {
      if (m.kind === 'set') root = value;
      return;
    }
    const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown> | unknown[];
    const key = p[p.length - 1]!;
    if (!parent || typeof parent !== 'object') return;
    if (m.kind === 'set') (parent as Record<string | number, unknown>)[key] = value;
    else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(key as number, 1) : delete (parent as Record<string, unknown>)[key];
    else if (m.kind === 'add') {
      const target = getAt(root, p);
      if (Array.isArray(target)) target.push(value);
      else if (target && typeof target === 'object') (target as Record<string, unknown>)[m.key] = value;
    } else if (m.kind === 'swap') (parent as Record<string | number, unknown>)[key] = structuredClone(getAt(root, all[m.other % all.length]!));
    else if (m.kind === 'dup') {
      const target = getAt(root, p);
      if (Array.isArray(target) && target.length) target.push(structuredClone(target[m.pick % target.length]));
    }
  });
  return root;
}

/** Whether an accepted spec is small enough to build and step in a few milliseconds. */
function small(s: NetworkSpec): boolean {
  const size = (f: number) => Math.round(f * s.N);
  const popN = s.populations.reduce((a, p) => a + size(p.fraction), 0);
  const inN = s.inputs.reduce((a, x) => a + size(x.fraction), 0);
  const sizeOf = (name: string) => size((s.populations.find((p) => p.name === name) ?? s.inputs.find((x) => x.name === name))?.fraction ?? 0);
  const syn = s.projections.reduce((a, p) => a + p.p * sizeOf(p.pre) * sizeOf(p.post), 0);
  const ring = s.inputs.reduce((a, x) => a + (x.correlation > 0 ? (8 * x.jitter_ms) / s.dt_ms + 1 : 0) * size(x.fraction), 0);
  const steps = (s.T_s * 1000) / s.dt_ms;
  const windows = steps / Math.max(1, s.recording.window_ms / s.dt_ms);
  const bins = steps / Math.max(1, s.recording.bin_ms / s.dt_ms);
  const rec = windows * popN + bins * (s.populations.length + 1) * (s.populations.length + s.inputs.length + s.recording.weightSamples);
  return popN <= 2000 && inN <= 5000 && syn <= 2e5 && ring <= 2e6 && rec <= 2e7 && s.projections.length <= 64;
}

const outcome = { rejected: 0, ran: 0, guard: 0, big: 0 };
let sinceYield = 0;
/** Lets the worker's event loop run now and then (vitest's RPC times out behind a long synchronous loop). */
const breathe = async () => {
  if (++sinceYield % 100 === 0) await new Promise((r) => setTimeout(r, 0));
};

/** One case: rejected with a SpecError, or validated, derived, built and stepped. Throws anything else. */
function check(spec: unknown): void {
  let s: NetworkSpec;
  try {
    s = validate(spec);
  } catch (e) {
    if (e instanceof SpecError) {
      expect(e.issues.length).toBeGreaterThan(0);
      outcome.rejected++;
      return;
    }
    throw e;
  }
  const d = derive(s);
  if (!small(s)) {
    outcome.big++;
    return;
  }
  const engine = new CpuEngine(buildNetwork(d));
  try {
    for (let k = 0; k < Math.min(STEPS, d.nSteps); k++) engine.stepOnce();
    outcome.ran++;
  } catch (e) {
    if (!(e instanceof RunGuardError)) throw e;
    outcome.guard++;
  }
}

describe('fuzz: random and mutated specs are rejected with a SpecError or run', () => {
  it('mutated presets (1-4 mutations each)', async () => {
    const caseArb = fc
      .tuple(fc.nat({ max: BASES.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
      .chain(([b, muts]) => fc.tuple(fc.constant(b), fc.constant(muts), fc.tuple(...muts.map(() => valueArb(undefined)))));
    await fc.assert(
      fc.asyncProperty(caseArb, async ([b, muts, values]) => (check(mutate(BASES[b]!, muts, values)), breathe())),
      { seed: SEED, numRuns: 4000 * SCALE },
    );
  });
  it('numeric fields scaled and perturbed', async () => {
    // Every numeric leaf of a preset multiplied by a random factor: mostly valid specs at odd sizes.
    const caseArb = fc.tuple(fc.nat({ max: BASES.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 0.5, 2, 10, 1e3, -1, 1.0001, 0.999)), { minLength: 1, maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(caseArb, async ([b, edits]) => {
        const s = structuredClone(BASES[b]!);
        const nums = paths(s).filter((p) => typeof getAt(s, p) === 'number');
        for (const [at, f] of edits) {
          const p = nums[at % nums.length]!;
          const parent = getAt(s, p.slice(0, -1)) as Record<string | number, number>;
          parent[p[p.length - 1]!] = parent[p[p.length - 1]!]! * f;
        }
        check(s);
        await breathe();
      }),
      { seed: SEED + 1, numRuns: 2000 * SCALE },
    );
  });
  it('every numeric field at the edges of its range (sizes, rates, dt, jitter, time constants, weights)', async () => {
    // The generator that found the derive/engine crashes fixed in validate.ts (checkLimits): each value is
    // inside its own range, the combination is not (e.g. rate x layer size x dt beyond the Poisson table).
    const logU = (lo: number, hi: number) => fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((x) => 10 ** x);
    const edges = fc.record({
      b: fc.nat({ max: BASES.length - 1 }),
      N: fc.oneof(fc.integer({ min: 1, max: 200 }), logU(1, 1e7).map(Math.round)),
      dt: fc.oneof(logU(1e-6, 10), fc.constantFrom(0.1, 1, 10)),
      steps: fc.integer({ min: 1, max: 200 }),
      frac: fc.oneof(logU(1e-7, 1), fc.constant(1)),
      infrac: fc.oneof(logU(1e-7, 10), fc.constant(10)),
      rate: fc.oneof(logU(1e-3, 1000), fc.constantFrom(0, 1000)),
      c: fc.oneof(fc.constant(0), logU(1e-6, 0.999)),
      jitter: fc.oneof(logU(1e-6, 100), fc.constantFrom(0, 100)),
      tau: logU(1e-9, 1e6),
      j: logU(1e-9, 1e9).chain((x) => fc.constantFrom(x, -x, 0)),
      p: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)),
      refr: fc.oneof(logU(1e-6, 1e4), fc.constant(0)),
      binK: fc.integer({ min: 1, max: 100000 }),
      winK: fc.integer({ min: 1, max: 100000 }),
      ws: fc.integer({ min: 0, max: 1000 }),
      fixed: fc.boolean(),
      eta: logU(1e-9, 1e3),
    });
    await fc.assert(
      fc.asyncProperty(edges, async (g) => {
        const s = structuredClone(BASES[g.b]!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        Object.assign(s, { N: g.N, dt_ms: g.dt, T_s: (g.steps * g.dt) / 1000 });
        for (const p of s['populations']) {
          Object.assign(p, { fraction: g.frac, tauSyn_ms: g.tau });
          if (p.neuron.refractory_ms !== undefined) p.neuron.refractory_ms = g.refr;
          if (p.neuron.tauMem_ms !== undefined) p.neuron.tauMem_ms = g.tau;
        }
        for (const x of s['inputs']) Object.assign(x, { fraction: g.infrac, rate_Hz: g.rate, correlation: g.c, jitter_ms: g.jitter, tauSyn_ms: g.tau });
        for (const pr of s['projections']) {
          pr.p = g.p;
          if (g.fixed) pr.connectivity = 'fixed-indegree';
          if (pr.plasticity) {
            pr.plasticity.eta = g.eta;
            delete pr.plasticity.learningTimescale_ms;
          } else pr.j = g.j;
        }
        Object.assign(s['recording'], { bin_ms: g.binK * g.dt, window_ms: g.winK * g.dt, statsStart_s: 0, weightSamples: g.ws });
        check(s);
        await breathe();
      }),
      { seed: SEED + 3, numRuns: 1500 * SCALE },
    );
  });
  it('random JSON values as whole specs', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything()), async (v) => (check(v), breathe())), { seed: SEED + 2, numRuns: 1000 * SCALE });
  });
  it('reports the number of cases tried', () => {
    const total = outcome.rejected + outcome.ran + outcome.guard + outcome.big;
    console.log(`fuzz: ${total} specs tried (seed ${SEED}): ${outcome.rejected} rejected by SpecError, ${outcome.ran} ran ${STEPS} steps, ${outcome.guard} stopped by a run guard, ${outcome.big} valid but too big to step`);
    expect(total).toBeGreaterThanOrEqual(8500 * SCALE);
    expect(outcome.ran + outcome.guard).toBeGreaterThan(500);
  });
});
