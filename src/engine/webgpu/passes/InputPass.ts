// InputPass: shaders/input.wgsl. input_events turns this step's external spikes into events,
// input_deliver scatters them into the input channels; input_prime runs once before step 0.
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, type GpuPass } from './pass.ts';

export class InputPass implements GpuPass {
  readonly name = 'input' as const;
  private constructor(
    readonly events: GPUComputePipeline,
    readonly deliver: GPUComputePipeline,
    readonly primer: GPUComputePipeline,
    private readonly eventGroups: [number, number],
    private readonly primeGroups: [number, number],
    private readonly deliverGroups: number,
  ) {}

  static async create(state: SimState, rowThreads: number): Promise<InputPass> {
    const plan = state.plan;
    const max = state.device.limits.maxComputeWorkgroupsPerDimension;
    const c = { ROW_THREADS: rowThreads };
    const primeThreads = plan.net.derived.inputs.reduce((m, x) => Math.max(m, x.correlation > 0 ? x.size : 0), 0);
    return new InputPass(
      await state.pipeline('InputPass.events', 'input', 'input_events', c),
      await state.pipeline('InputPass.deliver', 'input', 'input_deliver', c),
      await state.pipeline('InputPass.prime', 'input', 'input_prime', c),
      grid(plan.eventThreads, WORKGROUP_SIZE, max),
      grid(primeThreads, WORKGROUP_SIZE, max),
      plan.opts.eventWorkgroups,
    );
  }

  /** Whether the network has any input layer (else the pass is skipped). */
  static needed(state: SimState): boolean {
    return state.plan.net.derived.inputs.length > 0;
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.events);
    pass.dispatchWorkgroups(...this.eventGroups);
    pass.setPipeline(this.deliver);
    pass.dispatchWorkgroups(this.deliverGroups);
  }

  /** Generation steps [-2D, -1] of correlated layers (primeInputs). */
  encodePrime(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.primer);
    pass.dispatchWorkgroups(...this.primeGroups);
  }
}
