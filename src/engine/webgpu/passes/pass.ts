// What every pass class offers the engine: its name and encode(), which records its dispatches into a
// compute pass whose bind group 0 is SimState.bindGroup.
import type { PassName } from '../../engine.ts';

/** SCHEDULE's GPU passes, the pass-by-pass step counter, and the fused schedule's three passes. */
export type GpuPassName = Exclude<PassName, 'check'> | 'advance' | 'step_spikers' | 'step_post' | 'step_neurons' | 'step_resident';

export interface GpuPass {
  readonly name: GpuPassName;
  encode(pass: GPUComputePassEncoder): void;
}

/** Threads per workgroup: ROW_THREADS (per-spiker passes) and NEURON_THREADS (per-neuron passes). */
export interface Threads {
  row: number;
  neuron: number;
}

/** The override constants of a pipeline with these threads (and step parity). */
export function threadConstants(t: Threads, parity = 0): Record<string, number> {
  return { ROW_THREADS: t.row, NEURON_THREADS: t.neuron, PARITY: parity };
}

/** Workgroups for n items in groups of `size`, split over (x, y) above the per-dimension limit. */
export function grid(n: number, size: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / size));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}

/** A pass of one pipeline and a fixed dispatch size. */
export class SimplePass implements GpuPass {
  constructor(readonly name: GpuPassName, readonly pipeline: GPUComputePipeline, readonly groups: [number, number]) {}

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.dispatchWorkgroups(this.groups[0], this.groups[1]);
  }
}
