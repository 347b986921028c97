// ResidentStep: shaders/resident.wgsl, many steps of a network in one dispatch of one workgroup (issue
// 19). Each thread owns a fixed set of neurons for the whole dispatch; the input accumulators live in
// workgroup memory when they fit (acc_workgroup.wgsl), else in the `acc` binding (acc_global.wgsl). The
// host writes the stop step into ctl.stopStep before each submission (WebGpuEngine.submit).
import { WORKGROUP_SIZE } from '../layout.ts';
import type { GpuPlan } from '../plan.ts';
import type { SimState } from '../simState.ts';
import { SimplePass, threadConstants, type Threads } from './pass.ts';

/**
 * Largest network the automatic choice runs resident (one workgroup walks every neuron and synapse of
 * a step). A guess from the thread counts, not a measurement: no GPU was available to time the
 * crossover against the fused schedule (bench/gpu.ts prints both paths' lines where one is).
 */
export const RESIDENT_MAX_NEURONS = 10_000;

/** Workgroup memory the resident module uses besides the accumulators (record.wgsl's partial sums, flags, the step blocks' two counters of 32). */
const RESIDENT_FIXED_WG_BYTES = 4 * WORKGROUP_SIZE + 16 + 2 * 4 * 32;

export interface ResidentShape {
  /** Threads of the workgroup (a multiple of rowThreads, at least WORKGROUP_SIZE). */
  threads: number;
  /** Threads per row walk (per-spiker sub-groups). */
  rowThreads: number;
  /** Input accumulators in workgroup memory (else in the acc binding). */
  accInWorkgroup: boolean;
}

export type ResidentFit = { ok: true; shape: ResidentShape } | { ok: false; why: string };

export interface ResidentRequest {
  threads: number;
  rowThreads: number;
  maxNeurons: number;
  /** Force the accumulators into the acc binding (tests: the storage variant on a small network). */
  accInStorage?: boolean;
  /** Per-pass timestamps asked for: the resident dispatch has no passes to time. */
  profiling: boolean;
}

/** Whether plan runs on the resident schedule with these limits, and its shape; else why not. */
/** Accumulator words the kernel touches: nChannels * N, plus the delay ring's slots (synapse_propagate.wgsl) when delays exceed one step. */
function accWords(plan: GpuPlan): number {
  return plan.nCh * plan.N * (1 + plan.net.derived.delaySlots);
}

export function residentFit(plan: GpuPlan, limits: GPUSupportedLimits, r: ResidentRequest): ResidentFit {
  if (r.profiling) return { ok: false, why: 'per-pass profiling (profileEvery) needs the fused schedule: one resident dispatch has no passes to time' };
  if (plan.N > r.maxNeurons) return { ok: false, why: `N = ${plan.N} exceeds the resident limit of ${r.maxNeurons} neurons (one workgroup)` };
  const maxT = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const threads = Math.min(r.threads, maxT);
  const rowThreads = Math.min(r.rowThreads, threads);
  if (threads < WORKGROUP_SIZE || threads % WORKGROUP_SIZE !== 0)
    return { ok: false, why: `resident threads = ${threads}: must be a multiple of ${WORKGROUP_SIZE} (the record pass's block) within the device's ${maxT} invocations` };
  if (threads % rowThreads !== 0) return { ok: false, why: `resident threads = ${threads} is not a multiple of rowThreads = ${rowThreads}` };
  const accBytes = 4 * accWords(plan);
  const accInWorkgroup = !r.accInStorage && accBytes + RESIDENT_FIXED_WG_BYTES <= limits.maxComputeWorkgroupStorageSize;
  return { ok: true, shape: { threads, rowThreads, accInWorkgroup } };
}

/** The pass files of the resident module (the passes' functions, record's blocks, then the kernel). */
const FILES = ['input', 'neuron_update', 'synapse_propagate', 'plasticity_pre', 'plasticity_post', 'trace_update', 'record', 'resident'] as const;

/** The files and override constants of the resident module of plan with this shape (the batch kernel's too). */
export function residentModule(plan: GpuPlan, shape: ResidentShape): { files: readonly string[]; constants: Record<string, number> } {
  const threads: Threads = { row: shape.rowThreads, neuron: shape.threads };
  const files = shape.accInWorkgroup ? [...FILES, 'acc_workgroup'] : FILES;
  const constants: Record<string, number> = { ...threadConstants(threads, 0), RESIDENT_THREADS: shape.threads, RESIDENT_CORR: plan.corrThreads };
  if (shape.accInWorkgroup) constants.ACC_WORDS = accWords(plan);
  return { files, constants };
}

export class ResidentStep extends SimplePass {
  private constructor(pipeline: GPUComputePipeline, readonly shape: ResidentShape, readonly blockSteps: number) {
    super('step_resident', pipeline, [1, 1]);
  }

  /** blockSteps: steps per block (resident_blocks in resident.wgsl; stepBlocks.ts says which are exact), 1: the per-step loop. */
  static async create(state: SimState, shape: ResidentShape, blockSteps = 1): Promise<ResidentStep> {
    const { files, constants } = residentModule(state.plan, shape);
    const d = state.plan.net.derived;
    const input = d.inputs.length > 0 || d.nSignalChannels > 0 || state.plan.corrThreads > 0;
    const c = blockSteps > 1 ? { ...constants, RESIDENT_BLOCK: blockSteps, RESIDENT_INPUT: input ? 1 : 0 } : constants;
    return new ResidentStep(await state.pipeline('ResidentStep', files, 'step_resident', c), shape, blockSteps);
  }

  /** A short description for the engine's device string and the bench lines. */
  describe(): string {
    const blocks = this.blockSteps > 1 ? `, blocks of ${this.blockSteps} steps` : '';
    return `resident (1 workgroup x ${this.shape.threads} threads, rows of ${this.shape.rowThreads}, accumulators in ${this.shape.accInWorkgroup ? 'workgroup memory' : 'storage'}${blocks})`;
  }
}
