// The neuron-model registry: one module per model (eif/lif in currentBased.ts, condLif.ts, poisson.ts),
// registered in one table (index.ts) that validate, derive, the WebGPU plan and shader source and the
// CPU engine read. A model module holds its spec checks, its derived per-step constants, its CPU update
// and its WGSL twin; adding a model is one new module plus a line in index.ts (docs/extending.md).
import type { Derived, DerivedNeuron, DerivedPop, DerivedSignal } from '../model/derive.ts';
import type { StateLayout, StateVar } from '../engine/state.ts';

/** What a model's spec check may use (validate.ts's Checker): every failure names the field, its value and the allowed range. */
export interface FieldChecker {
  bad(path: string, value: unknown, allowed: string): void;
  num(path: string, v: unknown, lo: number, hi: number, opts?: { loOpen?: boolean; hiOpen?: boolean; int?: boolean }): boolean;
  str(path: string, v: unknown): v is string;
  obj(path: string, v: unknown): v is Record<string, unknown>;
  known(path: string, o: Record<string, unknown>, known: readonly string[]): void;
}

/** Per-population constants every integrating model shares (refSteps is set from refractory_ms by derive). */
export type NeuronBase = Pick<DerivedNeuron, 'gLdT' | 'vT' | 'invDeltaT' | 'refSteps' | 'iBg' | 'source' | 'adaptKick' | 'adaptChannel' | 'noiseAmp'>;

/**
 * A CPU fast-path kernel (NeuronModel.cpuFastPath): one step of every population of the network, each neuron's
 * external input joined (acc of the input channels at inputBases[k] + i, zeroed) just before its own update;
 * fills st.spikes (ascending) and st.nSpikes.
 */
export interface CpuFastPath {
  /** For messages and docs. */
  readonly name: string;
  run(d: Derived, st: StateLayout, inputBases: Int32Array): void;
}

export interface NeuronModel {
  /** The spec's `neuron.model` value. */
  readonly name: string;
  /** One line for errors and docs. */
  readonly description: string;
  /** Spec check of `neuron` (model already known to be this one); `signals`: declared signal names -> channels. */
  validate(c: FieldChecker, path: string, n: Record<string, unknown>, signals: Map<string, number>): void;
  /** Derived per-step constants (f32 where kernels use them) from the validated spec. */
  derive(n: Record<string, unknown>, dt_ms: number, base: NeuronBase, ctx: { size: number; signals: DerivedSignal[] }): DerivedNeuron;
  /**
   * 'current': input currents add w/tau per spike and are summed; 'conductance': channels onto it add w per
   * spike and it sums g_c (E_c - V) over DerivedPop.condChannels; 'source': it takes no input (spike sources).
   */
  readonly input: 'current' | 'conductance' | 'source';
  /**
   * 'current' models: the factor from a projection's weight unit to the model's internal current unit (its
   * channel currents); 1 when absent. adaptive_lif: 1e-3 (weights in pA ms, currents held in nA).
   */
  readonly inputScale?: number;
  /** The balanced-network theory (src/theory) applies (current-based EIF/LIF). */
  readonly meanField: boolean;
  /**
   * CPU update of population p for one step (refractoriness, integration, threshold, reset): appends its
   * spikers (ascending) to st.spikes after nSpk and returns the new count. The step's external input has
   * already joined the currents.
   */
  cpuUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number;
  /**
   * State beyond v and refr (which every model has), one value per neuron: allocated as
   * StateLayout.model['neuron.<model>.<name>'] (snapshots and checkpoints carry it; on the GPU too, f32 in
   * fstate, i32 in istate). The model's WGSL reads and writes it through generated accessors
   * <model>_<name>(p, i) and <model>_set_<name>(p, i, x) (neuronModelsWgsl); names are WGSL identifiers.
   */
  readonly state?: readonly StateVar[];
  /**
   * A CPU fast-path kernel for networks whose populations all name this same kernel (and whose channels all
   * allow it): the EIF/LIF one (currentBasedFast.ts, fused JavaScript and WebAssembly). Must give cpuUpdate's bits.
   */
  readonly cpuFastPath?: CpuFastPath;
  /**
   * The WebGPU twin: `code` goes to PopParams.model; `fn` names a WGSL function (p: u32, i: u32, vi: f32) -> f32
   * returning the membrane potential after one step (before threshold), defined in `wgsl` (which may use the
   * generated layout: P.pops[p], fstate, P.curOff, P.channels). Models sharing a code share fn and wgsl.
   * Sources have no membrane: their spikes come from neuron_update.wgsl's source branch (MODEL_POISSON).
   */
  readonly gpu: { code: number; fn: string; wgsl: string } | { code: number; source: true };
}

const models = new Map<string, NeuronModel>();

/** Registers a neuron model (replaces one of the same name); a GPU code may only be shared with the same WGSL function. */
export function registerNeuronModel(m: NeuronModel): void {
  const ident = /^[A-Za-z][A-Za-z0-9_]*$/;
  for (const v of m.state ?? [])
    if (!ident.test(m.name) || !ident.test(v.name)) throw new Error(`neuron model '${m.name}': state variable '${v.name}': model and variable names must match ${ident} (they name WGSL accessors)`);
  const mine = generatedWgslNames(m);
  for (const o of models.values()) {
    if (o.name === m.name) continue;
    const clash = generatedWgslNames(o).find((g) => mine.includes(g));
    if (clash !== undefined) throw new Error(`neuron model '${m.name}': its generated WGSL name '${clash}' is also generated for model '${o.name}' (rename the model or its state variable)`);
    if (o.gpu.code !== m.gpu.code) continue;
    const same = 'fn' in o.gpu && 'fn' in m.gpu && o.gpu.fn === m.gpu.fn && o.gpu.wgsl === m.gpu.wgsl;
    if (!same) throw new Error(`neuron model '${m.name}': GPU code ${m.gpu.code} is taken by '${o.name}' with a different WGSL function`);
  }
  models.set(m.name, m);
}

/**
 * The WGSL names the registry generates for model m: its MODEL_<NAME> constant and its state accessors
 * <model>_<var>, <model>_set_<var>. Two models generating one name would make the joined module fail to compile
 * (or, worse, call the other model's accessor), so registration refuses it.
 */
function generatedWgslNames(m: NeuronModel): string[] {
  const names = [`MODEL_${m.name.toUpperCase()}`];
  for (const v of m.state ?? []) names.push(`${m.name}_${v.name}`, `${m.name}_set_${v.name}`);
  return names;
}

/** The registered model named `name`, or an error listing the known ones. */
export function neuronModel(name: string): NeuronModel {
  const m = models.get(name);
  if (!m) throw new Error(`unknown neuron model '${name}' (registered: ${neuronModelNames().join(', ')})`);
  return m;
}

export function hasNeuronModel(name: unknown): name is string {
  return typeof name === 'string' && models.has(name);
}

export function neuronModelNames(): string[] {
  return [...models.keys()];
}

/**
 * The generated WGSL of the registered models (joined to every module that holds neuron_update.wgsl):
 * each membrane function once, the MODEL_* codes, and membrane_v(p, i, vi), which dispatches on
 * PopParams.model; code 0 (current-based EIF/LIF) is the fallback, as the hand-written branch was.
 */
export function neuronModelsWgsl(): string {
  const byCode = new Map<number, { fn: string; wgsl: string; names: string[] }>();
  const consts: string[] = [];
  for (const m of models.values()) {
    consts.push(`const MODEL_${m.name.toUpperCase()}: u32 = ${m.gpu.code}u;`);
    if (!('fn' in m.gpu)) continue;
    const e = byCode.get(m.gpu.code);
    if (e) e.names.push(m.name);
    else byCode.set(m.gpu.code, { fn: m.gpu.fn, wgsl: m.gpu.wgsl, names: [m.name] });
  }
  const fallback = byCode.get(0);
  const branches = [...byCode.entries()].filter(([code]) => code !== 0).sort((a, b) => a[0] - b[0]);
  return [
    '// Generated from the neuron-model registry (src/neurons): do not edit.',
    ...consts,
    ...neuronStateWgsl(),
    ...[...byCode.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => `// ${e.names.join(', ')}\n${e.wgsl.trim()}`),
    'fn membrane_v(p: u32, i: u32, vi: f32) -> f32 {',
    '  let model = P.pops[p].model;',
    ...branches.map(([code, e]) => `  if (model == ${code}u) {\n    return ${e.fn}(p, i, vi);\n  }`),
    fallback ? `  return ${fallback.fn}(p, i, vi);` : '  return vi;',
    '}',
    '',
  ].join('\n');
}

/**
 * Accessors of the declared neuron state (NeuronModel.state) for the models' WGSL: per variable,
 * <model>_<name>(p, i) and <model>_set_<name>(p, i, x), neuron i (global index) of population p. A model's
 * f32 variable k lives at fstate[P.pops[p].stateOff + k N + i], its i32 variable k at istate[istateOff + ...].
 */
function neuronStateWgsl(): string[] {
  const out: string[] = [];
  for (const m of models.values()) {
    const k = { f32: 0, i32: 0 };
    for (const v of m.state ?? []) {
      const [buf, off] = v.type === 'f32' ? ['fstate', 'stateOff'] : ['istate', 'istateOff'];
      const at = `P.pops[p].${off} + ${k[v.type]++}u * P.N + i`;
      out.push(`fn ${m.name}_${v.name}(p: u32, i: u32) -> ${v.type} {\n  return ${buf}[${at}];\n}`);
      out.push(`fn ${m.name}_set_${v.name}(p: u32, i: u32, x: ${v.type}) {\n  ${buf}[${at}] = x;\n}`);
    }
  }
  return out;
}
