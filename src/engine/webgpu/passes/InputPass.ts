// InputPass: shaders/input.wgsl. input_signals advances the rate-modulating signals (only with signals),
// input_events generates correlated copies and drains this step's ring slot into events (only with
// correlated layers), input_deliver delivers independent spikes and events (only with input layers);
// input_prime runs once before step 0.
import type { SimState } from '../simState.ts';
import { grid, threadConstants, type GpuPass, type Threads } from './pass.ts';

export class InputPass implements GpuPass {
  readonly name = 'input' as const;
  private constructor(
    readonly signals: GPUComputePipeline | null,
    readonly events: GPUComputePipeline | null,
    readonly deliver: GPUComputePipeline | null,
    readonly primer: GPUComputePipeline | null,
    private readonly signalGroups: [number, number],
    private readonly corrGroups: [number, number],
    private readonly deliverGroups: number,
  ) {}

  static async create(state: SimState, threads: Threads, parity = 0): Promise<InputPass> {
    const plan = state.plan;
    const d = plan.net.derived;
    const c = threadConstants(threads, parity);
    const correlated = plan.corrThreads > 0;
    const maxDim = state.device.limits.maxComputeWorkgroupsPerDimension;
    return new InputPass(
      d.nSignalChannels > 0 ? await state.pipeline('InputPass.signals', 'input', 'input_signals', c) : null,
      correlated ? await state.pipeline('InputPass.events', 'input', 'input_events', c) : null,
      d.inputs.length > 0 ? await state.pipeline('InputPass.deliver', 'input', 'input_deliver', c) : null,
      correlated ? await state.pipeline('InputPass.prime', 'input', 'input_prime', c) : null,
      grid(d.nSignalChannels, threads.neuron, maxDim),
      grid(plan.corrThreads, threads.neuron, maxDim),
      plan.opts.inputWorkgroups,
    );
  }

  /** Whether the network has any input layer or rate-modulating signal (else the pass is skipped). */
  static needed(state: SimState): boolean {
    const d = state.plan.net.derived;
    return d.inputs.length > 0 || d.nSignalChannels > 0;
  }

  encode(pass: GPUComputePassEncoder): void {
    if (this.signals) {
      pass.setPipeline(this.signals);
      pass.dispatchWorkgroups(...this.signalGroups);
    }
    if (this.events) {
      pass.setPipeline(this.events);
      pass.dispatchWorkgroups(...this.corrGroups);
    }
    if (this.deliver) {
      pass.setPipeline(this.deliver);
      pass.dispatchWorkgroups(this.deliverGroups);
    }
  }

  /** Generation steps [-2D, -1] of correlated layers (primeInputs); nothing without them. */
  encodePrime(pass: GPUComputePassEncoder): void {
    if (!this.primer) return;
    pass.setPipeline(this.primer);
    pass.dispatchWorkgroups(...this.corrGroups);
  }
}
