// FusedStep: shaders/step.wgsl, one step in three dispatches (step_spikers, step_post, step_neurons;
// step_post only with plasticity or correlated input), one pipeline per dispatch and step parity.
// A submission of steps [a, b) starts with prologue(a) (input and neuron_update of a, pass by pass) and
// ends with step_close (trace_update of b - 1): between submissions the state is at a step boundary.
import { SCHEDULE } from '../../engine.ts';
import type { SimState } from '../simState.ts';
import { InputPass } from './InputPass.ts';
import { NeuronUpdatePass } from './NeuronUpdatePass.ts';
import { grid, SimplePass, threadConstants, type GpuPass, type Threads } from './pass.ts';

/** Every pass file, in SCHEDULE order ('check' and 'record' have none here), then step.wgsl, whose fused entry points call their functions. */
const FILES = [...SCHEDULE.filter((n) => n !== 'check' && n !== 'record'), 'step'] as const;

interface Parity {
  spikers: SimplePass;
  post: SimplePass | null;
  neurons: SimplePass;
  // The last step of a submission: the same pipelines without the input roles of t + 1 (the next
  // submission's prologue delivers that input), then step_close.
  lastSpikers: SimplePass;
  lastPost: SimplePass | null;
  close: SimplePass;
}

export class FusedStep {
  private readonly prologues = new Map<number, GpuPass[]>();

  private constructor(private readonly state: SimState, private readonly threads: Threads, private readonly byParity: [Parity, Parity]) {}

  static async create(state: SimState, threads: Threads): Promise<FusedStep> {
    const plan = state.plan;
    const d = plan.net.derived;
    const maxDim = state.device.limits.maxComputeWorkgroupsPerDimension;
    const plastic = d.projections.some((p) => p.plastic && p.pre.kind === 'population');
    const independent = d.inputs.some((x) => x.correlation <= 0);
    const correlated = plan.corrThreads > 0;
    const G = plan.opts.spikeWorkgroups;
    const inputGroups = independent ? plan.opts.inputWorkgroups : 0;
    const corrGroups = correlated ? Math.ceil(plan.corrThreads / threads.row) : 0;
    const sigGroups = Math.ceil(d.nSignalChannels / threads.row);
    const postSpikers = plastic ? G : 0;
    const postGroups = postSpikers + (correlated ? plan.opts.inputWorkgroups : 0);
    const make = async (parity: number): Promise<Parity> => {
      const c = threadConstants(threads, parity);
      const [spikers, post, neurons, close] = await Promise.all([
        state.pipeline('FusedStep.spikers', FILES, 'step_spikers', { ...c, SPIKE_GROUPS: G, INPUT_GROUPS: inputGroups, CORR_GROUPS: corrGroups }),
        postGroups ? state.pipeline('FusedStep.post', FILES, 'step_post', { ...c, SPIKE_GROUPS: postSpikers, INPUT_GROUPS: 0 }) : null,
        state.pipeline('FusedStep.neurons', FILES, 'step_neurons', { ...c, SPIKE_GROUPS: G, INPUT_GROUPS: 0 }),
        state.pipeline('FusedStep.close', FILES, 'step_close', { ...c, SPIKE_GROUPS: G, INPUT_GROUPS: 0 }),
      ]);
      const perNeuron = grid(plan.N, threads.neuron, maxDim);
      return {
        spikers: new SimplePass('step_spikers', spikers, [G + inputGroups + corrGroups + sigGroups, 1]),
        post: post ? new SimplePass('step_post', post, [postGroups, 1]) : null,
        neurons: new SimplePass('step_neurons', neurons, perNeuron),
        lastSpikers: new SimplePass('step_spikers', spikers, [G, 1]),
        lastPost: post && postSpikers ? new SimplePass('step_post', post, [postSpikers, 1]) : null,
        close: new SimplePass('trace_update', close, perNeuron),
      };
    };
    const [even, odd] = await Promise.all([make(0), make(1)]);
    return new FusedStep(state, threads, [even, odd]);
  }

  /**
   * The dispatches of step t: after them neuron_update of t + 1 is done, unless `last` (the last step of
   * a submission), which stops at the step boundary.
   */
  passes(t: number, last: boolean): GpuPass[] {
    const p = this.byParity[t & 1]!;
    const out = last ? [p.lastSpikers, p.lastPost, p.close] : [p.spikers, p.post, p.neurons];
    return out.filter((x): x is SimplePass => x !== null);
  }

  /** Input and neuron update of step a, with a's parity (the first fused step then starts at a). */
  async prologue(a: number): Promise<GpuPass[]> {
    const parity = a & 1;
    let passes = this.prologues.get(parity);
    if (!passes) {
      const out: GpuPass[] = [];
      if (InputPass.needed(this.state)) out.push(await InputPass.create(this.state, this.threads, parity));
      out.push(await NeuronUpdatePass.create(this.state, this.threads, parity));
      passes = out;
      this.prologues.set(parity, passes);
    }
    return passes;
  }
}
