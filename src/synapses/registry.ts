// The synapse/current-model registry: one module per model of the current a source's spikes evoke in its
// channel (exponential.ts first), registered in one table (index.ts) that validate, derive, both engines'
// passes and the shader source read. A source (population or input) picks its model with `synapse`
// (default 'exponential'); every channel is one source's current into every neuron. A model holds its spec
// fields and checks, its derived per-step constants, the per-spike kick, its extra state, its CPU update and
// its WGSL twin; adding a model is one new module plus a line in index.ts (docs/extending.md).
import type { FieldChecker } from '../neurons/registry.ts';
import type { Derived } from '../model/derive.ts';
import type { StateLayout, StateVar } from '../engine/state.ts';

/** A channel's derived constants, from its synapse model's derive() (DerivedChannel holds them). */
export interface DerivedSynapse {
  /** f32 per-step decay factor of the current (the exponential's f32(1 - dt/tau)); ChannelParams.decay on the GPU. */
  decay: number;
  /** f32 factor of the per-spike kick into current-based targets (the exponential's f32(1/tau)); ChannelParams.invTau. */
  invTau: number;
  /** Further constants of models other than the exponential (ChannelParams.p0, p1 on the GPU, in this order; at most 2). */
  params?: readonly number[];
}

export interface SynapseModel {
  /** The source's `synapse` value. */
  readonly name: string;
  /** One line for errors and docs. */
  readonly description: string;
  /** The source fields this model owns (e.g. 'tauSyn_ms'), accepted by the source's known-field check. */
  readonly fields: readonly string[];
  /** Time constants among `fields` that must be at least dt_ms (validate.ts checks them with the other taus). */
  readonly timeConstants: readonly string[];
  /** Spec check of its fields on source object `o` at `path`; failures name the field, its value and the range. */
  validate(c: FieldChecker, path: string, o: Record<string, unknown>): void;
  /** Derived per-step constants (f32) from the validated source object. */
  derive(o: Record<string, unknown>, dt_ms: number): DerivedSynapse;
  /** Per-spike increment factor of a weight into this channel: into conductance-based targets and current-based ones. */
  kick(s: DerivedSynapse, conductanceTarget: boolean): number;
  /**
   * State beyond the channel's `current` and `acc` rows, per channel using the model, one value per neuron:
   * allocated as StateLayout.model['synapse.<channel>.<name>'] (snapshots and checkpoints carry it).
   */
  readonly state?: readonly StateVar[];
  /**
   * CPU, pass 'neuron_update' before the neurons integrate (input channels only): joins this step's
   * fixed-point input acc[c*N + i] (then zeroed) into the channel's state.
   */
  cpuJoinInput(d: Derived, st: StateLayout, c: number): void;
  /**
   * CPU, pass 'trace_update' (every channel): recurrent channels join their fixed-point input (zeroing acc;
   * an input beyond i32 throws RunGuardError('overflow')), then the current advances one step (decays).
   */
  cpuUpdate(d: Derived, st: StateLayout, c: number, step: number): void;
  /** The CPU engine's fused EIF/LIF fast path may run networks whose channels all use this model. */
  readonly cpuFastPath?: boolean;
  /**
   * The WebGPU twin, defined in `wgsl` (which may read P.channels[c] and its declared state: its f32 variable k
   * (counted among its f32 ones) of neuron i at fstate[P.channels[c].stateOff + k * P.N + i], its i32 variable k
   * at istate[P.channels[c].istateOff + k * P.N + i]). `code` goes to ChannelParams.model.
   * - `fn` names a function (c: u32, i: u32, x: f32) -> f32: the current of neuron i after one step from x (the
   *   current with this step's input joined), in 'trace_update'.
   * - `joinFn` (optional) names a function (c: u32, i: u32, cur: f32, inc: f32) -> f32 that joins input inc
   *   (f32(acc) 2^-20) and returns the new current (default: cur + inc), in 'neuron_update' (input channels)
   *   and 'trace_update' (recurrent channels). A double exponential adds inc to its rise state and returns cur.
   * Models sharing a code share the functions. `null`: CPU only (the WebGPU engine refuses the network by name).
   */
  readonly gpu: { code: number; fn: string; joinFn?: string; wgsl: string } | null;
}

const models = new Map<string, SynapseModel>();

/** Registers a synapse model (replaces one of the same name); a GPU code may only be shared with the same WGSL function. */
export function registerSynapseModel(m: SynapseModel): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(m.name)) throw new Error(`synapse model '${m.name}': the name must match /^[A-Za-z][A-Za-z0-9_]*$/ (it names the WGSL constant SYNAPSE_<NAME>)`);
  for (const o of models.values()) {
    if (o.name !== m.name && o.gpu && m.gpu && o.name.toUpperCase() === m.name.toUpperCase())
      throw new Error(`synapse model '${m.name}': its generated WGSL constant 'SYNAPSE_${m.name.toUpperCase()}' is also generated for model '${o.name}'`);
    if (o.name === m.name || !o.gpu || !m.gpu || o.gpu.code !== m.gpu.code) continue;
    if (o.gpu.fn !== m.gpu.fn || o.gpu.joinFn !== m.gpu.joinFn || o.gpu.wgsl !== m.gpu.wgsl) throw new Error(`synapse model '${m.name}': GPU code ${m.gpu.code} is taken by '${o.name}' with a different WGSL function`);
  }
  models.set(m.name, m);
}

/** The default model of a source without `synapse`. */
export const DEFAULT_SYNAPSE = 'exponential';

/** The registered model named `name` (default 'exponential'), or an error listing the known ones. */
export function synapseModel(name: string = DEFAULT_SYNAPSE): SynapseModel {
  const m = models.get(name);
  if (!m) throw new Error(`unknown synapse model '${name}' (registered: ${synapseModelNames().join(', ')})`);
  return m;
}

/** Whether `name` is a registered synapse model. */
export function hasSynapseModel(name: unknown): name is string {
  return typeof name === 'string' && models.has(name);
}

/** Names of the registered synapse models, in registration order. */
export function synapseModelNames(): string[] {
  return [...models.keys()];
}

/**
 * The generated WGSL of the registered synapse models (joined to every module that holds trace_update.wgsl):
 * each model's functions once, the SYNAPSE_* codes, synapse_step(c, i, x) and synapse_join(c, i, cur, inc),
 * which dispatch on ChannelParams.model; code 0 (the exponential) is the fallback, cur + inc the default join.
 */
export function synapseModelsWgsl(): string {
  const byCode = new Map<number, { fn: string; joinFn?: string; wgsl: string; names: string[] }>();
  const consts: string[] = [];
  for (const m of models.values()) {
    if (!m.gpu) continue;
    consts.push(`const SYNAPSE_${m.name.toUpperCase()}: u32 = ${m.gpu.code}u;`);
    const e = byCode.get(m.gpu.code);
    if (e) e.names.push(m.name);
    else byCode.set(m.gpu.code, { ...m.gpu, names: [m.name] });
  }
  const joins = sorted0(byCode).filter(([, e]) => e.joinFn !== undefined);
  const sorted = [...byCode.entries()].sort((a, b) => a[0] - b[0]);
  const fallback = byCode.get(0);
  return [
    '// Generated from the synapse-model registry (src/synapses): do not edit.',
    ...consts,
    ...sorted.map(([, e]) => `// ${e.names.join(', ')}\n${e.wgsl.trim()}`),
    'fn synapse_step(c: u32, i: u32, x: f32) -> f32 {',
    '  let model = P.channels[c].model;',
    ...sorted.filter(([code]) => code !== 0).map(([code, e]) => `  if (model == ${code}u) {\n    return ${e.fn}(c, i, x);\n  }`),
    fallback ? `  return ${fallback.fn}(c, i, x);` : '  return x;',
    '}',
    'fn synapse_join(c: u32, i: u32, cur: f32, inc: f32) -> f32 {',
    ...(joins.length ? ['  let model = P.channels[c].model;'] : []),
    ...joins.map(([code, e]) => `  if (model == ${code}u) {\n    return ${e.joinFn}(c, i, cur, inc);\n  }`),
    '  return cur + inc;',
    '}',
    '',
  ].join('\n');
}

const sorted0 = <T>(m: Map<number, T>): [number, T][] => [...m.entries()].sort((a, b) => a[0] - b[0]);
