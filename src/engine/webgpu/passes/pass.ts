// What every pass class offers the engine: its name in the schedule and encode(), which records its
// dispatches into a compute pass whose bind group 0 is SimState.bindGroup.
import type { PassName } from '../../engine.ts';

/** SCHEDULE's GPU passes plus the step counter's own tiny pass. */
export type GpuPassName = Exclude<PassName, 'check'> | 'advance';

export interface GpuPass {
  readonly name: GpuPassName;
  encode(pass: GPUComputePassEncoder): void;
}

/** Workgroups for n items in groups of `size`, split over (x, y) above the per-dimension limit. */
export function grid(n: number, size: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / size));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
