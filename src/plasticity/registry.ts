// The plasticity-rule family registry: one module per family of rules (pair.ts: the general pair-STDP form
// of spec.ts's RuleTerm, which every named rule of src/model/rules.ts is an instance of), registered in one
// table (index.ts) that validate, derive and both engines read. A family owns a set of `plasticity.rule`
// names and holds their spec check, their derived per-projection constants and their CPU update; on the GPU
// it either fills the pair parameters that the shared WGSL (apply_term in state.wgsl, plasticity_{pre,post}.wgsl)
// reads, or declares itself CPU-only (the WebGPU engine then refuses the network). docs/extending.md says how
// to add one.
import type { DerivedProjection, DerivedRule } from '../model/derive.ts';
import type { StateLayout } from '../engine/state.ts';
import type { BuiltNetwork } from '../network/network.ts';
import type { FieldChecker } from '../neurons/registry.ts';
import type { PlasticitySpec } from '../model/spec.ts';

/** What a family's spec check may use: the neuron models' FieldChecker plus booleans. */
export interface RuleChecker extends FieldChecker {
  bool(path: string, v: unknown): void;
}

/** The projection a rule's spec check sees: its weight's sign (0 when j is not a number) and initial j. */
export interface RuleCheckContext {
  T_s: number;
  sign: number;
  jInit?: number;
}

/** What derive hands a family: the projection's weight scale and the trace groups it already chose (tauSTDP_ms). */
export interface RuleDeriveContext {
  dt_ms: number;
  jScale: number; // J = j * jScale
  preTrace: number;
  postTrace: number;
  startStep: number; // from startAt_s
}

/** One plastic projection at a step where its rule is active, as the CPU passes hand it to the family. */
export interface ActiveProjection {
  pr: DerivedProjection;
  r: DerivedRule;
  c: BuiltNetwork['csr'][number];
  w: Float32Array;
  xPre: Float32Array;
  xPost: Float32Array;
}

/**
 * The part of a projection one CPU thread owns (src/engine/cpu/synapsePass.ts): the synapses onto posts in
 * [postLo, postHi) (global indices), i.e. of row k the synapses [rowStart[k], rowEnd[k]) (rows are sorted by
 * post). One thread: the whole projection (rowStart = rowPtr, rowEnd = rowPtr shifted by one).
 */
export interface SynapseSlice {
  rowStart: Int32Array;
  rowEnd: Int32Array;
  postLo: number;
  postHi: number;
}

export interface PlasticityFamily {
  /** The family's name (DerivedRule.family). */
  readonly name: string;
  /** One line for errors and docs. */
  readonly description: string;
  /** The `plasticity.rule` values this family owns (unique across families). */
  readonly rules: readonly string[];
  /**
   * Spec check of a projection's `plasticity` object (its rule is one of `rules`, or unknown: the first family
   * reports unknown names). Every failure names the field, its value and the allowed range.
   */
  validate(c: RuleChecker, path: string, pl: Record<string, unknown>, ctx: RuleCheckContext): void;
  /**
   * Derived constants (f32 where kernels use them) from the validated spec. The pair fields of DerivedRule are
   * what the shared WGSL reads and what the weight guard reads (bounds); a family with other constants puts
   * them in `params` (and, when CPU-only, may leave the pair terms zero and unbounded).
   */
  derive(pl: Record<string, unknown>, ctx: RuleDeriveContext): DerivedRule;
  /** CPU update of one active projection for this step's spikers (st.spikes[0, st.nSpikes)): pre-spike updates (pass 'plasticity_pre'). */
  cpuPre(a: ActiveProjection, st: StateLayout): void;
  /** Post-spike updates (pass 'plasticity_post'), after every pre-spike update of the step. */
  cpuPost(a: ActiveProjection, st: StateLayout): void;
  /**
   * Optional, for the CPU engine's one-walk row pass and its threads: for each spiker of the pre population,
   * over its row's synapses in `sl`, first add the synapse's fixed-point increment (round(f32(w * kick) * 2^20),
   * the weight before this step's update) to acc[base + post], then apply the pre-spike update; and the
   * post-spike updates of the spikers in [sl.postLo, sl.postHi) only. Families without them run single-threaded,
   * with propagation and cpuPre as two walks.
   */
  cpuPropagatePre?(a: ActiveProjection, st: StateLayout, sl: SynapseSlice, acc: Float64Array, base: number, kick: number): void;
  cpuPostSlice?(a: ActiveProjection, st: StateLayout, sl: SynapseSlice): void;
  /** 'pair': the shared WGSL runs the rule from DerivedRule's pair fields; null: CPU only. */
  readonly gpu: 'pair' | null;
}

const families = new Map<string, PlasticityFamily>();
const byRule = new Map<string, PlasticityFamily>();

/** Registers a family (replaces one of the same name); a rule name may belong to one family only. */
export function registerPlasticityFamily(f: PlasticityFamily): void {
  for (const r of f.rules) {
    const o = byRule.get(r);
    if (o && o.name !== f.name) throw new Error(`plasticity family '${f.name}': rule '${r}' belongs to family '${o.name}'`);
  }
  const old = families.get(f.name);
  if (old) for (const r of old.rules) byRule.delete(r);
  families.set(f.name, f);
  for (const r of f.rules) byRule.set(r, f);
}

/** The family of `plasticity.rule` value `rule`, or undefined. */
export function familyOfRule(rule: unknown): PlasticityFamily | undefined {
  return typeof rule === 'string' ? byRule.get(rule) : undefined;
}

/** The registered family named `name` (DerivedRule.family), or an error listing the known ones. */
export function plasticityFamily(name: string): PlasticityFamily {
  const f = families.get(name);
  if (!f) throw new Error(`unknown plasticity family '${name}' (registered: ${[...families.keys()].join(', ')})`);
  return f;
}

/** The first registered family: it checks specs whose rule no family owns (and reports the name). */
export function defaultFamily(): PlasticityFamily {
  const f = families.values().next().value;
  if (!f) throw new Error('no plasticity family registered');
  return f;
}

/** Every registered `plasticity.rule` value, family by family. */
export function ruleNames(): string[] {
  return [...families.values()].flatMap((f) => f.rules);
}

/** Whether every plastic projection of a derived network has a rule the shared WGSL runs. */
export function gpuRunsRules(projections: readonly DerivedProjection[]): boolean {
  return projections.every((p) => !p.plastic || plasticityFamily(p.plastic.family).gpu !== null);
}

/** The per-spike learning rate: eta directly, or 1 ms / learningTimescale_ms (Eq 10 integrated over one spike, time in ms). */
export function etaPerSpike(pl: Pick<PlasticitySpec, 'eta' | 'learningTimescale_ms'>): number {
  if (pl.eta !== undefined) return pl.eta;
  return 1 / (pl.learningTimescale_ms as number);
}
