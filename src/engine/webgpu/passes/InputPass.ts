// InputPass: shaders/input.wgsl. input_events generates correlated copies and drains this step's ring
// slot into events (only with correlated layers), input_deliver delivers independent spikes and events;
// input_prime runs once before step 0.
import type { SimState } from '../simState.ts';
import { grid, threadConstants, type GpuPass, type Threads } from './pass.ts';

export class InputPass implements GpuPass {
  readonly name = 'input' as const;
  private constructor(
    readonly events: GPUComputePipeline | null,
    readonly deliver: GPUComputePipeline,
    readonly primer: GPUComputePipeline | null,
    private readonly corrGroups: [number, number],
    private readonly deliverGroups: number,
  ) {}

  static async create(state: SimState, threads: Threads, parity = 0): Promise<InputPass> {
    const plan = state.plan;
    const c = threadConstants(threads, parity);
    const correlated = plan.corrThreads > 0;
    return new InputPass(
      correlated ? await state.pipeline('InputPass.events', 'input', 'input_events', c) : null,
      await state.pipeline('InputPass.deliver', 'input', 'input_deliver', c),
      correlated ? await state.pipeline('InputPass.prime', 'input', 'input_prime', c) : null,
      grid(plan.corrThreads, threads.neuron, state.device.limits.maxComputeWorkgroupsPerDimension),
      plan.opts.inputWorkgroups,
    );
  }

  /** Whether the network has any input layer (else the pass is skipped). */
  static needed(state: SimState): boolean {
    return state.plan.net.derived.inputs.length > 0;
  }

  encode(pass: GPUComputePassEncoder): void {
    if (this.events) {
      pass.setPipeline(this.events);
      pass.dispatchWorkgroups(...this.corrGroups);
    }
    pass.setPipeline(this.deliver);
    pass.dispatchWorkgroups(this.deliverGroups);
  }

  /** Generation steps [-2D, -1] of correlated layers (primeInputs); nothing without them. */
  encodePrime(pass: GPUComputePassEncoder): void {
    if (!this.primer) return;
    pass.setPipeline(this.primer);
    pass.dispatchWorkgroups(...this.corrGroups);
  }
}
