// Trial protocols: a run made of trials (Soldado-Magraner 2022 Fig 7; the co-author's trainer.py). Each trial
// starts from the same initial state (Brian's N.restore()) with the current weights, runs duration_s, may kick
// a fraction of a population at a time and step the current into a population over a window, and yields
// per-trial statistics (src/trials/stats.ts); the trial rule (src/trials/rules.ts) then updates the weights of
// the projections whose plasticity rule is 'per-trial' once per trial, from the moving average over trials.
//
// Engine-neutral: a trial is a chain of segments, each a fresh engine (createEngine, any backend) on the built
// network, restored from the previous segment's snapshot (the recorder's state included) after the host's edit:
//  - a kick at step k adds charge_pAms * invTau (pA, held in the model's current unit) to the kicking population's own synaptic channel of each
//    kicked unit (the first round(fraction * size) units) after step k - 1: a synaptic-like current pulse of
//    total charge charge_pAms (the reference's uExt += 0.98 nA pulse through the E kernel);
//  - a current step changes the population's constant background current iBg by current_pA over
//    [from_s, to_s) (a segment's derived constants; no engine state changes).
// Randomness: trial t runs with the seed philox(seed, trial t) for what is drawn during a run (membrane noise,
// inputs); connectivity, initial V and the weights' initial dispersion come from the spec's seed, once.
import type { Engine } from '../engine/engine.ts';
import { createEngine } from '../engine/engines.ts';
import type { EngineSnapshot, SnapshotArray } from '../engine/snapshot.ts';
import type { Derived, DerivedPop } from '../model/derive.ts';
import type { NetworkSpec } from '../model/spec.ts';
import type { BuiltNetwork } from '../network/network.ts';
import { neuronModel } from '../neurons/index.ts';
import { synapseModel } from '../synapses/index.ts';
import { hasSpikes } from '../record/recordings.ts';
import { philox4x32 } from '../rng/philox.ts';
import { RngStream } from '../rng/streams.ts';
import { applyTrialRule, floorRates, updateMovingAverage, type TrialProjection, type TrialRuleName } from './rules.ts';
import { trialStats, type TrialStats } from './stats.ts';

const f32 = Math.fround;

export interface TrialProtocol {
  trials: number;
  duration_s: number;
  kick?: { pop: string; fraction: number; at_s: number; charge_pAms: number };
  currentSteps?: { pop: string; from_s: number; to_s: number; current_pA: number }[];
  upState: { bin_ms: number; thresh_Hz: number; minDur_ms: number; from_s: number; detectPop: string };
  rule?: { name: TrialRuleName; alpha: number; minRate_Hz: number; tauTrials: number; setpoints_Hz: Record<string, number>; wMin: number; wMax: number };
  /** Initial per-synapse weights of the 'per-trial' projections: j * max(0, N(1, relSd)) (trainer.py's norm_weights), clipped to the bounds. */
  initRelSd?: number;
}

/** A protocol that cannot run on this network (the message names the field, its value and what is allowed). */
export class TrialProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrialProtocolError';
  }
}

export interface TrialRecord {
  stats: TrialStats;
  movingAvgPop_Hz: number[];
  meanAbsW: number[]; // per 'per-trial' projection: mean |j| before this trial's update
  meanAbsDw: number[]; // per 'per-trial' projection: mean |dj| of this trial's update
}

export interface TrialRunResult {
  trials: TrialRecord[];
  weights: Float32Array[]; // final signed weights of the 'per-trial' projections (projection order)
  projections: string[]; // their names
}

export interface TrialRunOptions {
  backend?: string; // 'cpu' (default), 'webgpu', 'auto'
  device?: GPUDevice;
  onTrial?: (t: number, r: TrialRecord) => void;
}

const popIndex = (d: Derived, name: string, path: string): DerivedPop => {
  const p = d.pops.find((q) => q.name === name);
  if (!p) throw new TrialProtocolError(`${path}: '${name}' is not a population (${d.pops.map((q) => q.name).join(', ')})`);
  return p;
};

/** Checks a protocol against the network: named errors for every bad field. */
export function checkProtocol(d: Derived, pr: TrialProtocol): void {
  const bad = (path: string, v: unknown, allowed: string) => {
    throw new TrialProtocolError(`${path} = ${JSON.stringify(v)}: allowed ${allowed}`);
  };
  if (!Number.isInteger(pr.trials) || pr.trials < 1) bad('trials', pr.trials, 'an integer >= 1');
  if (!(Math.abs(pr.duration_s - d.spec.T_s) < 1e-12)) bad('duration_s', pr.duration_s, `the spec's T_s (${d.spec.T_s})`);
  if (pr.kick) {
    popIndex(d, pr.kick.pop, 'kick.pop');
    if (!(pr.kick.fraction > 0 && pr.kick.fraction <= 1)) bad('kick.fraction', pr.kick.fraction, '(0, 1]');
    if (!(pr.kick.at_s >= d.dt_ms / 1000 && pr.kick.at_s < pr.duration_s)) bad('kick.at_s', pr.kick.at_s, `[dt, duration_s) = [${d.dt_ms / 1000}, ${pr.duration_s})`);
    if (!Number.isFinite(pr.kick.charge_pAms)) bad('kick.charge_pAms', pr.kick.charge_pAms, 'a finite number');
  }
  (pr.currentSteps ?? []).forEach((s, i) => {
    const p = popIndex(d, s.pop, `currentSteps[${i}].pop`);
    if (p.neuron.source) bad(`currentSteps[${i}].pop`, s.pop, 'a population of integrating neurons');
    if (!(s.from_s >= 0 && s.from_s < s.to_s && s.to_s <= pr.duration_s)) bad(`currentSteps[${i}].to_s`, s.to_s, `> from_s (${s.from_s}) and <= duration_s (${pr.duration_s})`);
    if (!Number.isFinite(s.current_pA)) bad(`currentSteps[${i}].current_pA`, s.current_pA, 'a finite number');
  });
  popIndex(d, pr.upState.detectPop, 'upState.detectPop');
  if (!(pr.upState.bin_ms >= d.dt_ms)) bad('upState.bin_ms', pr.upState.bin_ms, `>= dt_ms (${d.dt_ms})`);
  if (pr.rule) {
    const r = pr.rule;
    if (r.name !== 'cross-homeo-pre-scalar' && r.name !== 'two-term') bad('rule.name', r.name, "'cross-homeo-pre-scalar' or 'two-term'");
    if (!(r.alpha >= 0)) bad('rule.alpha', r.alpha, '>= 0');
    if (!(r.tauTrials >= 1)) bad('rule.tauTrials', r.tauTrials, '>= 1');
    if (!(r.wMin >= 0 && r.wMin < r.wMax)) bad('rule.wMax', r.wMax, `> wMin (${r.wMin}) >= 0`);
    for (const p of d.pops) if (!(typeof r.setpoints_Hz[p.name] === 'number' && r.setpoints_Hz[p.name]! >= 0)) bad(`rule.setpoints_Hz.${p.name}`, r.setpoints_Hz[p.name], 'a rate >= 0 (Hz) for every population');
    if (!d.projections.some((p) => p.plastic?.family === 'trial')) bad('rule', r.name, "a network with at least one projection of plasticity rule 'per-trial'");
  }
}

/** The trial rule's view of the 'per-trial' projections (weights are the given arrays, mutated in place). */
function trialProjections(net: BuiltNetwork, pr: TrialProtocol, weights: Float32Array[]): TrialProjection[] {
  const d = net.derived;
  const exc = (k: number): boolean => {
    const out = d.projections.filter((p) => p.pre.kind === 'population' && p.pre.index === k);
    if (out.length === 0 || !out.every((p) => p.J > 0) && !out.every((p) => p.J < 0))
      throw new TrialProtocolError(`population ${d.pops[k]!.name}: the trial rule needs all its outgoing weights of one sign (its kind, E or I)`);
    return out[0]!.J > 0;
  };
  const rule = pr.rule!;
  return d.projections.filter((p) => p.plastic?.family === 'trial').map((p, k) => {
    if (p.pre.kind !== 'population') throw new TrialProtocolError(`projection ${p.name}: the trial rule needs a population as pre`);
    const postExc = exc(p.post.index);
    const others = d.pops.filter((q) => q.neuron.source === null && d.projections.some((x) => x.pre.kind === 'population' && x.pre.index === q.index) && exc(q.index) !== postExc);
    if (others.length !== 1) throw new TrialProtocolError(`projection ${p.name}: the cross-homeostatic error needs exactly one population of the other kind than ${p.post.name} (found ${others.length})`);
    const o = others[0]!;
    const c = net.csr[p.index]!;
    const post = c.post; // global indices
    return {
      preOffset: p.pre.offset, preSize: p.pre.size, preExc: exc(p.pre.index), postExc, postSet_Hz: rule.setpoints_Hz[p.post.name]!,
      other: { offset: o.offset, size: o.size, set_Hz: rule.setpoints_Hz[o.name]! }, rowPtr: c.rowPtr, post, w: weights[k]!, sign: p.J > 0 ? 1 : -1,
    };
  });
}

/** The seed of trial t: word 0 of Philox (t, 0, 0, 0) keyed by (seed, 16). */
export function trialSeed(seed: number, t: number): number {
  return philox4x32(new Uint32Array(4), t, 0, 0, 0, seed >>> 0, 16)[0]!;
}

/** A copy of the network whose derived constants have the trial's seed and background currents. */
function segmentNet(net: BuiltNetwork, seed: number, iBgAdd: Map<number, number>): BuiltNetwork {
  const d = net.derived;
  // current_pA in the model's internal current unit (adaptive_lif: nA)
  const unit = (p: DerivedPop) => neuronModel(p.neuron.model).inputScale ?? 1;
  const pops = d.pops.map((p) => (iBgAdd.has(p.index) ? { ...p, neuron: { ...p.neuron, iBg: f32(p.neuron.iBg + iBgAdd.get(p.index)! * unit(p)) } } : p));
  return { ...net, derived: { ...d, spec: { ...d.spec, seed }, pops } };
}

function copySnapshot(s: EngineSnapshot): EngineSnapshot {
  const arrays: Record<string, SnapshotArray> = {};
  for (const [k, v] of Object.entries(s.arrays)) arrays[k] = v.slice() as SnapshotArray;
  return { ...s, scalars: { ...s.scalars }, arrays };
}

/** Runs one trial; returns its raster (every neuron recorded). */
async function runTrial(net: BuiltNetwork, pr: TrialProtocol, t: number, opts: TrialRunOptions): Promise<{ steps: Int32Array; ids: Int32Array; count: number }> {
  const d = net.derived;
  const stepOf = (s: number) => Math.round((s * 1000) / d.dt_ms);
  const cuts = new Set<number>([0, d.nSteps]);
  const kickStep = pr.kick ? stepOf(pr.kick.at_s) : -1;
  if (pr.kick) cuts.add(kickStep);
  for (const s of pr.currentSteps ?? []) {
    cuts.add(Math.min(d.nSteps, stepOf(s.from_s)));
    cuts.add(Math.min(d.nSteps, stepOf(s.to_s)));
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const seed = trialSeed(d.spec.seed, t);
  let snap: EngineSnapshot | null = null;
  let engine: Engine | null = null;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [a, b] = [bounds[k]!, bounds[k + 1]!];
    const add = new Map<number, number>();
    for (const s of pr.currentSteps ?? []) {
      if (stepOf(s.from_s) <= a && a < stepOf(s.to_s)) {
        const p = d.pops.find((q) => q.name === s.pop)!;
        add.set(p.index, (add.get(p.index) ?? 0) + s.current_pA);
      }
    }
    engine?.dispose();
    engine = await createEngine(segmentNet(net, seed, add), opts.backend ?? 'cpu', opts.device ? { device: opts.device } : {});
    if (snap) {
      if (a === kickStep && pr.kick) kick(net, pr.kick, snap);
      if (!engine.restore) throw new TrialProtocolError(`backend ${engine.backend}: trial protocols need snapshot and restore`);
      await engine.restore(snap);
    }
    await engine.advance(b - a);
    if (k + 2 < bounds.length) {
      if (!engine.snapshot) throw new TrialProtocolError(`backend ${engine.backend}: trial protocols need snapshot and restore`);
      snap = copySnapshot(await engine.snapshot());
    }
  }
  const rec = await engine!.recordings();
  engine!.dispose();
  if (!hasSpikes(rec)) throw new TrialProtocolError('trial protocols need a spiking engine');
  if (rec.raster.dropped > 0) throw new TrialProtocolError(`trial ${t}: the raster dropped ${rec.raster.dropped} spikes (raise recording.rasterNeurons or shorten the trial)`);
  return { steps: rec.raster.steps, ids: rec.raster.ids, count: rec.raster.count };
}

/**
 * The kick: charge_pAms times the channel's kick factor (the synapse model's kick(): 1/tau of an exponential,
 * 1/tauRise of a double exponential; in the model's current unit) joins the kicking population's own channel
 * of each kicked unit as a spike's input would: the exponential's current, the double exponential's rise state.
 */
function kick(net: BuiltNetwork, k: NonNullable<TrialProtocol['kick']>, snap: EngineSnapshot): void {
  const d = net.derived;
  const p = d.pops.find((q) => q.name === k.pop)!;
  const ch = d.channels[p.channel]!;
  const m = synapseModel(ch.synapse);
  const factor = m.kick(ch, false) * (neuronModel(p.neuron.model).inputScale ?? 1);
  const add = f32(k.charge_pAms * factor);
  const n = Math.round(k.fraction * p.size);
  let target: Float32Array;
  let base: number;
  if (m.name === 'exponential') {
    target = snap.arrays['state.current'] as Float32Array;
    base = p.channel * d.N + p.offset;
  } else if (m.name === 'double_exponential') {
    target = snap.arrays[`state.model.synapse.${p.channel}.rise`] as Float32Array;
    base = p.offset;
  } else throw new TrialProtocolError(`kick.pop: population ${p.name}'s synapse model '${m.name}' has no kick yet ('exponential' or 'double_exponential')`);
  for (let i = 0; i < n; i++) target[base + i] = f32(target[base + i]! + add);
}

/**
 * Runs a trial protocol on a built network (spec validated, rasterNeurons covering every unit). The
 * 'per-trial' projections' weights (net.csr weights) get the initial dispersion, then change once per trial.
 */
export async function runTrials(spec: NetworkSpec, net: BuiltNetwork, pr: TrialProtocol, opts: TrialRunOptions = {}): Promise<TrialRunResult> {
  const d = net.derived;
  checkProtocol(d, pr);
  if (net.rasterNeurons.length !== d.N) throw new TrialProtocolError(`recording.rasterNeurons = ${spec.recording.rasterNeurons}: allowed >= the largest population (${Math.max(...d.pops.map((p) => p.size))}), the trial statistics need every unit's spikes`);
  const plastic = d.projections.filter((p) => p.plastic?.family === 'trial');
  const weights = plastic.map((p) => net.csr[p.index]!.weight);
  if (pr.initRelSd !== undefined && pr.initRelSd > 0) {
    plastic.forEach((p, k) => {
      const rng = new RngStream(d.spec.seed >>> 0, 16, 1, p.index);
      const w = weights[k]!;
      const { jMin, jMax } = p.plastic!;
      for (let y = 0; y < w.length; y++) {
        const u1 = rng.uniformOpen(), u2 = rng.uniform();
        const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        const x = f32(p.J * Math.max(0, 1 + pr.initRelSd! * z));
        w[y] = Math.min(jMax, Math.max(jMin, x));
      }
    });
  }
  const tps = pr.rule ? trialProjections(net, pr, weights) : [];
  const kickPop = pr.kick ? d.pops.find((q) => q.name === pr.kick!.pop)! : null;
  const kicked = kickPop ? { pop: kickPop.index, count: Math.round(pr.kick!.fraction * kickPop.size) } : null;
  const up = { ...pr.upState, detectPop: d.pops.findIndex((q) => q.name === pr.upState.detectPop) };
  const pops = d.pops.map((p) => ({ offset: p.offset, size: p.size }));
  let avg: Float64Array | null = null;
  const out: TrialRecord[] = [];
  for (let t = 0; t < pr.trials; t++) {
    await new Promise<void>((ok) => setTimeout(ok, 0)); // let the event loop run between trials (workers, progress)
    const r = await runTrial(net, pr, t, opts);
    const stats = trialStats(r.steps, r.ids, r.count, d.nSteps, d.dt_ms, pops, up, kicked);
    const meanAbsW = weights.map((w) => w.reduce((s, x) => s + Math.abs(x), 0) / Math.max(1, w.length));
    avg = updateMovingAverage(avg, stats.unitRate_Hz, pr.rule?.tauTrials ?? 1);
    let meanAbsDw = weights.map(() => 0);
    if (pr.rule) {
      floorRates(avg, pr.rule.minRate_Hz);
      meanAbsDw = applyTrialRule({ rule: pr.rule.name, alpha: pr.rule.alpha, minRate_Hz: pr.rule.minRate_Hz, wMin: pr.rule.wMin, wMax: pr.rule.wMax }, avg, tps);
    }
    const movingAvgPop_Hz = pops.map((p) => {
      let m = 0;
      for (let i = p.offset; i < p.offset + p.size; i++) m += avg![i]!;
      return m / p.size;
    });
    const rec: TrialRecord = { stats, movingAvgPop_Hz, meanAbsW, meanAbsDw };
    out.push(rec);
    opts.onTrial?.(t, rec);
  }
  return { trials: out, weights, projections: plastic.map((p) => p.name) };
}
