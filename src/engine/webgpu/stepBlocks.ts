// Step blocks of the resident schedule (shaders/resident.wgsl, resident_blocks): with every population
// projection delayed by d >= 2 steps, no spike-driven plasticity (a 'trial' rule never runs within a run) and
// no spike history, the neuron updates of b <= d consecutive steps read only arrivals already in the delay
// ring, so the kernel runs b neuron steps, then propagates their spikes: 3 workgroup barriers per block
// instead of 7 per step (plus 3 per step with input). No WebGPU imports: the bench counts barriers with it.
import type { Derived } from '../../model/derive.ts';
import { NEVER_STEP } from '../../plasticity/perTrial.ts';

/** Longest block: the kernel marks a neuron's spikes of a block in one u32 mask. */
export const MAX_BLOCK_STEPS = 32;

/** The longest exact block of a network (1: per step) and why. */
export interface StepBlockFit {
  steps: number;
  why: string;
}

/** The longest block of steps the resident kernel may run between propagations and still match the per-step loop exactly. */
export function stepBlockFit(d: Derived): StepBlockFit {
  // A rule that never runs during a run (family 'trial': weights change between trials only) updates nothing per step.
  const plastic = d.projections.find((p) => p.plastic !== null && p.plastic.startStep < NEVER_STEP);
  if (plastic) {
    return { steps: 1, why: `projection ${plastic.name} is plastic (rule '${plastic.plastic!.rule}'): its pre/post updates and traces interleave with the neuron steps at each step, so the per-step loop runs` };
  }
  if (d.spikeHistory > 0) return { steps: 1, why: 'a spike history is kept (delayed spike-driven plasticity): per-step loop' };
  const recurrent = d.projections.filter((p) => p.pre.kind === 'population');
  if (recurrent.length === 0) return { steps: MAX_BLOCK_STEPS, why: `no population projection: blocks of ${MAX_BLOCK_STEPS} steps (the mask's width)` };
  const min = recurrent.reduce((a, p) => (p.delay.min < a.delay.min ? p : a));
  if (min.delay.min < 2) return { steps: 1, why: `projection ${min.name} has a delay of ${min.delay.min} step: its spikes are felt at the next step, so the per-step loop runs` };
  const steps = Math.min(min.delay.min, MAX_BLOCK_STEPS);
  return { steps, why: `minimum delay ${min.delay.min} steps (projection ${min.name}): blocks of ${steps} steps${steps < min.delay.min ? ` (capped at ${MAX_BLOCK_STEPS}, the mask's width)` : ''}` };
}

/** What WebGpuEngineOptions.stepBlocks may say: 'auto' (the exact block on the resident schedule) or a number of steps (1: per step). */
export type StepBlocksChoice = 'auto' | number;

/** The block the engine runs for a choice (throws naming the field when it asks for more than is exact). */
export function chooseStepBlock(choice: StepBlocksChoice, fit: StepBlockFit, resident: boolean): StepBlockFit {
  if (!resident) return { steps: 1, why: 'step blocks are a resident-schedule feature; this schedule synchronises every step' };
  if (choice === 'auto') return fit;
  if (!Number.isInteger(choice) || choice < 1 || choice > MAX_BLOCK_STEPS) throw new RangeError(`stepBlocks = ${String(choice)}: must be 'auto' or an integer in [1, ${MAX_BLOCK_STEPS}]`);
  if (choice > fit.steps) throw new RangeError(`stepBlocks = ${choice}: at most ${fit.steps} steps are exact for this network (${fit.why})`);
  return { steps: choice, why: choice === 1 ? 'per-step loop asked (stepBlocks = 1)' : `blocks of ${choice} steps asked (exact up to ${fit.steps})` };
}

/** The resident kernel's phase_barrier calls over `steps` steps from step 0 (per-step loop when block = 1), as resident.wgsl places them; record blocks' own barriers excluded (the same on both paths). */
export function residentBarriers(steps: number, block: number, input: boolean, binSteps: number): number {
  const bins = Math.floor(steps / binSteps);
  if (block <= 1) return 7 * steps + 1; // top, input (1 inside), after input, after neurons, after propagate, after post, after trace; + the end
  const blocks = Math.ceil(steps / block);
  // per block: top, after the neuron phase, after propagation; per step with input: inside resident_input and after
  // it, and before it for all but a block's first step; a bin ending inside a block: 2, at its end: 1
  let n = 3 * blocks + 1 + (input ? 3 * steps - blocks : 0);
  for (let b = 0; b < bins; b++) {
    const last = (b + 1) * binSteps - 1;
    n += (last + 1) % block === 0 || last === steps - 1 ? 1 : 2;
  }
  return n;
}
