// derive(spec): sizes, offsets, channels and per-step f32 constants, computed once in f64 on the host.
// Kernels (CPU reference and WGSL) only multiply and add these.
import type { NetworkSpec, NeuronSpec } from './spec.ts';
import { PoissonTable, bernoulliThreshold } from '../rng/dist.ts';
import { neuronModel } from '../neurons/index.ts';
import { adaptationTau_ms } from '../neurons/adaptiveLif.ts';
import { familyOfRule } from '../plasticity/index.ts';
import { synapseModel } from '../synapses/index.ts';

export { etaPerSpike } from '../plasticity/index.ts';

const f32 = Math.fround;

/** The longest synaptic delay in steps (the ring's slots; validate.ts refuses longer ones). */
export const MAX_DELAY_STEPS = 4096;

export { FIXED_INV_SCALE, FIXED_SCALE } from './fixedScale.ts';

export interface DerivedNeuron {
  model: string; // the neuron model's registered name (src/neurons): 'eif', 'lif', 'cond_lif', 'poisson', ...
  dtOverC: number; // dt / C_m: dt (ms) with C_m = 1; cond_lif: dt / C_pF (ms/pF)
  gL: number; // 1 / tauMem_ms; cond_lif: g_L in nS
  gLdT: number; // g_L * Δ_T (0 for LIF)
  eL: number;
  vT: number;
  invDeltaT: number;
  vThresh: number;
  vReset: number;
  refSteps: number;
  vInitLow: number;
  vInitHigh: number;
  iBg: number; // cond_lif: f32 background current (pA); else 0
  source: DerivedSource | null; // poisson: spike probabilities; else null
  adaptKick: number; // adaptive_lif: f32(-betaAdapt / tauAdapt) added to its adaptation channel per spike (pA); else 0
  adaptChannel: number; // adaptive_lif with adaptKick != 0: its adaptation channel (set by derive); else 0
  noiseAmp: number; // adaptive_lif: f32(sigma * sqrt(dt g_L / C)) (mV per unit draw); else 0
}

/** A Poisson source population: p = f32(pBase + f32(pGain * max(0, x[channel]))) per step. */
export interface DerivedSource {
  pBase: number; // f32(rate_Hz * dt / 1000)
  pGain: number; // f32(gain_Hz * dt / 1000); 0 when unmodulated
  sigOffset: number; // index in the concatenated signal values of the first channel used
  sigCount: number; // 0: unmodulated; 1: one channel for all; else source k uses sigOffset + floor(k * sigCount / size)
}

/** A rate-modulating signal's channels live at [offset, offset + channels) of the signal state. */
export interface DerivedSignal {
  name: string;
  index: number;
  offset: number;
  channels: number;
  decay: number; // f32(exp(-dt / tau_ms)) (the SOM's exact filter factor)
}

export interface DerivedPop {
  name: string;
  index: number;
  offset: number;
  size: number;
  neuron: DerivedNeuron;
  channel: number; // current channel that this population's spikes feed
  /** cond_lif: the channels projecting onto this population, ascending (the conductance sum's order); else []. */
  condChannels: number[];
}

export interface DerivedInput {
  name: string;
  index: number;
  size: number;
  channel: number;
  rate_Hz: number;
  correlation: number;
  countTable: PoissonTable; // independent: spikes per step of the whole layer
  motherTable: PoissonTable; // correlated: mother spikes per step
  copyThreshold: number; // correlated: u32 threshold of P(copy) = c
  jitterSteps: number; // sigma / dt
  delayOffset: number; // D: copies land D + round(jitter) steps after the mother, within [0, 2D]
  startStep: number; // generation active in [startStep, stopStep)
  stopStep: number;
}

export interface DerivedChannel {
  name: string; // source population or input
  /** 'adapt': an adaptive_lif population's adaptation current (kicked by its own spikes in neuron_update, decays only; exponential). */
  kind: 'recurrent' | 'input' | 'adapt';
  synapse: string; // the source's synapse model's registered name (src/synapses): 'exponential', ...
  decay: number; // f32(1 - dt/tau) (the synapse model's derive())
  invTau: number; // f32(1/tau)
  params?: readonly number[]; // further constants of synapse models other than the exponential
  reversal: number | null; // f32 reversal potential (mV) on cond_lif targets; null if the source has none
}

export interface DerivedTerm {
  eta: number; // f32(eta * (scaled ? jScale : 1)): the term's learning rate in J units
  a: number;
  bPre: number;
  bPost: number;
  dep: 0 | 1; // 1: multiply by J * invJRef
  invJRef: number; // in J (scaled) units
}

/**
 * A plastic projection's rule, derived by its family's module (src/plasticity). The pair fields (onPre, onPost,
 * bounds) are what the shared WGSL and the weight guard read; a family with other constants adds `params`.
 */
export interface DerivedRule {
  family: string; // the family's registry name (src/plasticity)
  rule: string;
  eta: number; // per spike
  tauSTDP_ms: number;
  preTrace: number; // index into the trace groups
  postTrace: number;
  onPre: DerivedTerm;
  onPost: DerivedTerm;
  bounded: boolean;
  gate: boolean;
  jMin: number; // J (scaled) units
  jMax: number;
  startStep: number;
  /** Family-specific constants (families other than the pair form). */
  params?: Readonly<Record<string, number>>;
}

export interface DerivedProjection {
  index: number;
  name: string; // 'E<-I'
  pre: { kind: 'population' | 'input'; index: number; size: number; offset: number };
  post: DerivedPop;
  connectivity: 'bernoulli' | 'bernoulli-counter' | 'fixed-indegree';
  p: number;
  J: number; // scaled weight (f32)
  jScale: number; // J = j * jScale (1/sqrt(N) or 1)
  channel: number;
  /** Per-spike increment factor, the channel's synapse model's kick() (times the post model's inputScale when not 1): exponential: invTau into current-based posts (J/tau), 1 into cond_lif posts (g += w). */
  kick: number;
  plastic: DerivedRule | null;
  /** Delay range in whole steps (1, 1 when absent): a spike at step t reaches V at step t + d. */
  delay: { min: number; max: number };
  /**
   * Spike-driven plasticity (traced rule) with a delay of d > 1 steps (one per projection): d - 1, else 0. Such a
   * projection runs as undelayed on the spikers of step t - lag (the arrivals; Derived.spikeHistory), with a pre
   * trace group of the same lag: the axonal-delay convention, docs/trials-delays.md. With per-synapse delays
   * (delay.min < delay.max): the largest lag, delay.max - 1.
   */
  arrivalLag: number;
  /** 'procedural': no synapse memory, rows regenerated from their counters per spike (spec storage; 'auto' resolves to 'stored' here, see resolveAutoStorage). */
  storage: 'stored' | 'procedural';
  /** The smallest lag, delay.min - 1 (= arrivalLag with one delay per projection; 0 when arrivalLag is 0). */
  arrivalLagMin: number;
  /**
   * Per-synapse delays on a spike-driven plastic projection (arrivalLagMin < arrivalLag): the pre trace group of
   * each lag L in [arrivalLagMin, arrivalLag] at [L - arrivalLagMin] (a synapse of delay d reads lag d - 1's); else [].
   * src/engine/cpu/heteroDelayed.ts.
   */
  preTraceByLag: number[];
}

export interface TraceGroup {
  pop: number;
  tau_ms: number;
  decay: number; // f32(1 - dt/tau)
  /** Steps by which the spikes driving it lag the emissions (0; d - 1 for a delayed plastic projection's pre trace). */
  lag: number;
}

export interface Derived {
  spec: NetworkSpec;
  N: number; // total recurrent neurons (sum of population sizes)
  dt_ms: number;
  nSteps: number;
  pops: DerivedPop[];
  inputs: DerivedInput[];
  channels: DerivedChannel[];
  projections: DerivedProjection[];
  traces: TraceGroup[];
  signals: DerivedSignal[];
  nSignalChannels: number; // total channels of all signals (length of the signal state)
  statsStartStep: number;
  windowSteps: number;
  binSteps: number;
  nWindows: number;
  nBins: number;
  sqrtN: number;
  /** Slots of the delayed-input ring (the largest delay of a projection with delays > 1 step), 0 when none. */
  delaySlots: number;
  /** Slots of the spike history (the largest arrivalLag + 1 when any projection has one), 0 when none. */
  spikeHistory: number;
}

const rev = (e: number | undefined): number | null => (e === undefined ? null : f32(e));

/** Per-population neuron constants (f32 where kernels use them), by the neuron model's module (src/neurons). */
function deriveNeuron(n: NeuronSpec, dt: number, size: number, signals: DerivedSignal[]): DerivedNeuron {
  const base = { gLdT: 0, vT: 0, invDeltaT: 0, refSteps: Math.round(n.refractory_ms / dt), iBg: 0, source: null, adaptKick: 0, adaptChannel: 0, noiseAmp: 0 };
  return neuronModel(n.model).derive(n as unknown as Record<string, unknown>, dt, base, { size, signals });
}

/** A source's channel: its synapse model's constants (src/synapses) and its reversal potential. */
function deriveChannel(name: string, kind: DerivedChannel['kind'], src: { synapse?: string; reversal_mV?: number }, dt: number): DerivedChannel {
  const m = synapseModel(src.synapse);
  const s = m.derive(src as unknown as Record<string, unknown>, dt);
  return { name, kind, synapse: m.name, decay: s.decay, invTau: s.invTau, ...(s.params ? { params: s.params } : {}), reversal: rev(src.reversal_mV) };
}

/** Derives sizes, channels and constants from a validated spec. */
export function derive(spec: NetworkSpec): Derived {
  const dt = spec.dt_ms;
  const nSteps = Math.round((spec.T_s * 1000) / dt);
  const channels: DerivedChannel[] = [];
  const signals: DerivedSignal[] = [];
  let nSignalChannels = 0;
  for (const [index, sg] of (spec.signals ?? []).entries()) {
    signals.push({ name: sg.name, index, offset: nSignalChannels, channels: sg.channels, decay: f32(Math.exp(-dt / sg.tau_ms)) });
    nSignalChannels += sg.channels;
  }
  let offset = 0;
  const pops: DerivedPop[] = spec.populations.map((p, index) => {
    const size = Math.round(p.fraction * spec.N);
    const neuron = deriveNeuron(p.neuron, dt, size, signals);
    channels.push(deriveChannel(p.name, 'recurrent', p, dt));
    const d: DerivedPop = { name: p.name, index, offset, size, neuron, channel: channels.length - 1, condChannels: [] };
    const tauA = adaptationTau_ms(p.neuron as unknown as Record<string, unknown>);
    if (tauA !== null) {
      channels.push({ name: `${p.name}_adapt`, kind: 'adapt', synapse: 'exponential', decay: f32(1 - dt / tauA), invTau: f32(1 / tauA), reversal: null });
      neuron.adaptChannel = channels.length - 1;
    }
    offset += size;
    return d;
  });
  const N = offset;
  const inputs: DerivedInput[] = spec.inputs.map((x, index) => {
    const size = Math.round(x.fraction * spec.N);
    channels.push(deriveChannel(x.name, 'input', x, dt));
    const c = x.correlation;
    const perStep = (x.rate_Hz * dt) / 1000;
    const jitterSteps = x.jitter_ms / dt;
    const w = x.activeWindow_s;
    return {
      name: x.name,
      index,
      size,
      channel: channels.length - 1,
      rate_Hz: x.rate_Hz,
      correlation: c,
      countTable: new PoissonTable(c > 0 ? 0 : size * perStep),
      motherTable: new PoissonTable(c > 0 ? perStep / c : 0),
      copyThreshold: bernoulliThreshold(c),
      jitterSteps,
      delayOffset: c > 0 ? Math.ceil(4 * jitterSteps) : 0,
      startStep: w ? Math.round((w.start_s * 1000) / dt) : 0,
      stopStep: w ? Math.round((w.stop_s * 1000) / dt) : 2 ** 31 - 1,
    };
  });
  const sqrtN = Math.sqrt(spec.N);
  const traces: TraceGroup[] = [];
  const traceOf = (pop: number, tau: number, lag = 0): number => {
    let i = traces.findIndex((t) => t.pop === pop && t.tau_ms === tau && t.lag === lag);
    if (i < 0) {
      traces.push({ pop, tau_ms: tau, decay: f32(1 - dt / tau), lag });
      i = traces.length - 1;
    }
    return i;
  };
  const projections: DerivedProjection[] = spec.projections.map((pr, index) => {
    const prePop = pops.find((p) => p.name === pr.pre);
    const preIn = inputs.find((p) => p.name === pr.pre);
    const post = pops.find((p) => p.name === pr.post) as DerivedPop;
    const pre = prePop
      ? { kind: 'population' as const, index: prePop.index, size: prePop.size, offset: prePop.offset }
      : { kind: 'input' as const, index: preIn!.index, size: preIn!.size, offset: 0 };
    const jScale = pr.scaleBySqrtN ? 1 / sqrtN : 1;
    const pl = pr.plasticity;
    let plastic: DerivedRule | null = null;
    const delay = pr.delay ? { min: Math.round(pr.delay.min_ms / dt), max: Math.round(pr.delay.max_ms / dt) } : { min: 1, max: 1 };
    // a traced rule with delays: arrival lags delay.min - 1 .. delay.max - 1 (one per projection: min = max)
    const arrivalLag = pl && prePop && typeof pl.tauSTDP_ms === 'number' && delay.max > 1 ? delay.max - 1 : 0;
    const arrivalLagMin = arrivalLag > 0 ? delay.min - 1 : 0;
    const preTraceByLag: number[] = [];
    if (pl && prePop) {
      // Trace groups first (pre, then post), then the family's constants (src/plasticity; pair.ts for the pair form).
      // A rule without spike traces (family 'trial': tauSTDP_ms absent) takes no trace group.
      const traced = typeof pl.tauSTDP_ms === 'number';
      const preTrace = traced ? traceOf(prePop.index, pl.tauSTDP_ms, arrivalLag) : 0;
      const postTrace = traced ? traceOf(post.index, pl.tauSTDP_ms) : 0;
      if (traced && arrivalLagMin < arrivalLag) for (let L = arrivalLagMin; L <= arrivalLag; L++) preTraceByLag.push(traceOf(prePop.index, pl.tauSTDP_ms, L));
      const startStep = Math.round(((pl.startAt_s ?? 0) * 1000) / dt);
      plastic = familyOfRule(pl.rule)!.derive(pl as unknown as Record<string, unknown>, { dt_ms: dt, jScale, preTrace, postTrace, startStep });
    }
    const channel = prePop ? prePop.channel : preIn!.channel;
    const conductance = neuronModel(post.neuron.model).input === 'conductance';
    const inputScale = neuronModel(post.neuron.model).inputScale ?? 1;
    if (conductance && !post.condChannels.includes(channel)) post.condChannels.push(channel);
    return {
      index,
      name: `${pr.post}<-${pr.pre}`,
      pre,
      post,
      connectivity: pr.connectivity,
      p: pr.p,
      J: f32(pr.j * jScale),
      jScale,
      channel,
      kick: inputScale === 1 || conductance ? synapseModel(channels[channel]!.synapse).kick(channels[channel]!, conductance) : f32(synapseModel(channels[channel]!.synapse).kick(channels[channel]!, conductance) * inputScale),
      plastic,
      delay,
      arrivalLag,
      storage: pr.storage === 'procedural' ? 'procedural' : 'stored',
      arrivalLagMin,
      preTraceByLag,
    };
  });
  for (const p of pops) p.condChannels.sort((a, b) => a - b);
  const rec = spec.recording;
  const statsStartStep = Math.round((rec.statsStart_s * 1000) / dt);
  const windowSteps = Math.round(rec.window_ms / dt);
  const binSteps = Math.round(rec.bin_ms / dt);
  return {
    spec,
    N,
    dt_ms: dt,
    nSteps,
    pops,
    inputs,
    channels,
    projections,
    traces,
    signals,
    nSignalChannels,
    statsStartStep,
    windowSteps,
    binSteps,
    nWindows: Math.floor((nSteps - statsStartStep) / windowSteps),
    nBins: Math.floor(nSteps / binSteps),
    sqrtN,
    delaySlots: Math.max(0, ...projections.filter((p) => p.delay.max > 1 && p.arrivalLag === 0).map((p) => p.delay.max)),
    spikeHistory: Math.max(0, ...projections.filter((p) => p.arrivalLag > 0).map((p) => p.arrivalLag + 1)),
  };
}
