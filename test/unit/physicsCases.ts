// Network runs whose outcome is checked against physics (issue 25), shared by the tests
// (akilPhysics.test.ts, plasticNetwork.test.ts) and by scripts/measure-bands.ts, which measured the
// seed-to-seed spread of every quantity below once and wrote the bands the tests use (test/unit/bands.ts).
//
// Every prediction here is computed from the spec's own numbers (j, p, N, tau_syn, input rate), never from
// derive()'s constants or the engine, so a wrong constant in the engine shows as a mismatch.
import { runSimulation } from '../../src/pipeline/simulation.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { fig1Kohonen, fig3IstdpEi } from '../../src/presets/akilFigures.ts';
import { summarize, type Summary } from '../../src/stats/summary.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNetwork } from '../repro/vogelsNetwork.ts';
import { akilTwoPop, balancedRates } from '../../src/theory/index.ts';

/** Static Akil network size for the physics test: N = 5000, T = 5 s, statistics over [1, 5] s. */
export const STATIC = { N: 5000, T_s: 5, statsStart_s: 1 } as const;
/** EI iSTDP (Fig 3) at CI size: N = 2000, T = 30 s, statistics over [20, 30] s. */
export const ISTDP = { N: 2000, T_s: 30, statsStart_s: 20 } as const;
/** Vogels 2011 recurrent network with iSTDP at CI size: N = 2000, T = 6 s, 500 ms bins, eta = 1e-2. */
export const VOGELS = { N: 2000, T_s: 6, bin_ms: 500, eta: 1e-2 } as const;
/** Kohonen EE (Fig 1) at CI size: N = 2000, T = 20 s, statistics over [10, 20] s. */
export const KOHONEN = { N: 2000, T_s: 20, statsStart_s: 10 } as const;

const POPS = ['E', 'I'] as const;
type Pop = (typeof POPS)[number];
const CHANNELS = ['E', 'I', 'X'] as const;

/**
 * Mean synaptic current that channel `pre` delivers to population `post` by the discrete Campbell theorem:
 * K J r (1 - dt/tau), with K = p N_pre the mean in-degree, J = j / sqrt(N), r the presynaptic rate (kHz).
 * One spike adds J/tau to the current, which is recorded after the step's decay, so it contributes
 * (J/tau) sum_{k>=1} (1 - dt/tau)^k dt = J (1 - dt/tau) (mV) to the time integral of the recorded current.
 */
export function campbellCurrent(spec: NetworkSpec, post: string, pre: string, rate_Hz: number): number {
  let sum = 0;
  for (const pr of spec.projections) {
    if (pr.post !== post || pr.pre !== pre) continue;
    const src = spec.populations.find((p) => p.name === pre) ?? spec.inputs.find((x) => x.name === pre)!;
    const size = Math.round(src.fraction * spec.N);
    const J = pr.scaleBySqrtN ? pr.j / Math.sqrt(spec.N) : pr.j;
    sum += pr.p * size * J * (rate_Hz / 1000) * (1 - spec.dt_ms / src.tauSyn_ms!);
  }
  return sum;
}

export interface StaticMeasure {
  seed: number;
  rate_Hz: Record<Pop, number>;
  /** Measured / Eq 3 rate. */
  rateOverEq3: Record<Pop, number>;
  /** Measured mean current of each channel / its Campbell value at the measured rates. */
  currentOverCampbell: Record<Pop, Record<string, number>>;
  /** |E + I + X| / |E| and |E + I + X| / |I| per population (the cancellation of balance). */
  totalOverE: Record<Pop, number>;
  totalOverI: Record<Pop, number>;
  /** (measured total - Campbell total) / Campbell E part: the total current against its mean-field value. */
  totalErrOverE: Record<Pop, number>;
  cvE: number;
  wall_s: number;
}

const ratesOf = (s: Summary): Record<Pop, number> => ({ E: s.populations['E']!.rate_Hz, I: s.populations['I']!.rate_Hz });

/** The static Akil network (package-default weights, c = 0) at STATIC size with one seed. */
export async function measureStatic(seed: number): Promise<StaticMeasure> {
  const spec = akilNetwork({ N: STATIC.N, T_s: STATIC.T_s, seed });
  spec.recording.statsStart_s = STATIC.statsStart_s;
  const t0 = performance.now();
  const r = await runSimulation(spec, { backend: 'cpu' });
  if (r.stoppedBy) throw new Error(`static run stopped: ${JSON.stringify(r.stoppedBy)}`);
  const s = summarize(r.recordings);
  const rate = ratesOf(s);
  const [re, ri] = balancedRates(akilTwoPop());
  const pre: Record<string, number> = { E: rate.E, I: rate.I, X: spec.inputs[0]!.rate_Hz };
  const out: StaticMeasure = {
    seed,
    rate_Hz: rate,
    rateOverEq3: { E: rate.E / re!, I: rate.I / ri! },
    currentOverCampbell: { E: {}, I: {} },
    totalOverE: { E: 0, I: 0 },
    totalOverI: { E: 0, I: 0 },
    totalErrOverE: { E: 0, I: 0 },
    cvE: s.populations['E']!.cv_isi,
    wall_s: (performance.now() - t0) / 1000,
  };
  for (const p of POPS) {
    const c = s.populations[p]!.currents;
    let predTotal = 0;
    for (const ch of CHANNELS) {
      const pred = campbellCurrent(spec, p, ch, pre[ch]!);
      predTotal += pred;
      out.currentOverCampbell[p][ch] = c[ch]! / pred;
    }
    out.totalOverE[p] = Math.abs(c['total']!) / Math.abs(c['E']!);
    out.totalOverI[p] = Math.abs(c['total']!) / Math.abs(c['I']!);
    out.totalErrOverE[p] = (c['total']! - predTotal) / campbellCurrent(spec, p, 'E', pre['E']!);
  }
  return out;
}

export interface PlasticMeasure {
  seed: number;
  rate_Hz: Record<Pop, number>;
  /** Final mean plastic weight (unscaled j units). */
  jFinal: number;
  /** Measured rates / Eq 3 rates at the measured final weight. */
  rateOverEq3AtJ: Record<Pop, number>;
  /** Weight series (unscaled, one value per 1 s bin). */
  series: number[];
  wall_s: number;
}

async function measurePlastic(spec: NetworkSpec, proj: string, jAt: (j: number) => [[number, number], [number, number]]): Promise<PlasticMeasure> {
  const t0 = performance.now();
  const r = await runSimulation(spec, { backend: 'cpu' });
  if (r.stoppedBy) throw new Error(`plastic run stopped: ${JSON.stringify(r.stoppedBy)}`);
  const s = summarize(r.recordings);
  const rate = ratesOf(s);
  const pl = s.plastic[proj]!;
  const [re, ri] = balancedRates(akilTwoPop({ j: jAt(pl.jMeanFinal) }));
  return { seed: spec.seed, rate_Hz: rate, jFinal: pl.jMeanFinal, rateOverEq3AtJ: { E: rate.E / re!, I: rate.I / ri! }, series: pl.jMeanSeries, wall_s: (performance.now() - t0) / 1000 };
}

/** EI iSTDP (eta = 1e-2 per spike, rho_e = 10 Hz) from j_ei = -150 at ISTDP size. */
export function measureIstdp(seed: number): Promise<PlasticMeasure> {
  const spec = { ...fig3IstdpEi(-150, 1e-2), N: ISTDP.N, T_s: ISTDP.T_s, seed };
  spec.recording = { ...spec.recording, statsStart_s: ISTDP.statsStart_s, bin_ms: 1000 };
  return measurePlastic(spec, 'E<-I', (j) => [[25, j], [112.5, -250]]);
}

/** Kohonen on E<-E (Fig 1 weights, beta = 2/sqrt(N), eta = 1e-2) from j_ee = 1 at KOHONEN size. */
export function measureKohonen(seed: number): Promise<PlasticMeasure> {
  const spec = { ...fig1Kohonen(0, 1e-2), N: KOHONEN.N, T_s: KOHONEN.T_s, seed };
  spec.recording = { ...spec.recording, statsStart_s: KOHONEN.statsStart_s, bin_ms: 1000 };
  return measurePlastic(spec, 'E<-E', (j) => [[j, -100], [112.5, -250]]);
}

export interface VogelsMeasure {
  seed: number;
  rateStatic: number; // E rate before plasticity (Hz)
  rateEarly: number; // E rate over the first seconds of plasticity
  rateFinal: number; // E rate over the last 3 s
  wFinal: number; // mean I->E weight at the end (nS)
  cvE: number;
  wall_s: number;
}

/** The Vogels 2011 network protocol (test/repro/vogelsNetwork.ts) at VOGELS size with one seed. */
export async function measureVogels(seed: number): Promise<VogelsMeasure> {
  const t0 = performance.now();
  const r = await runNetwork({ ...VOGELS, seed }, { backend: 'cpu', log: () => {}, force: true, out: join(tmpdir(), 'plasticnet-vogels-bands') });
  if (r.sim.result.stoppedBy) throw new Error(`vogels run stopped: ${JSON.stringify(r.sim.result.stoppedBy)}`);
  return { seed, rateStatic: r.rateStatic, rateEarly: r.rateEarly, rateFinal: r.rateFinal, wFinal: r.w.at(-1)!, cvE: r.cvE, wall_s: (performance.now() - t0) / 1000 };
}
