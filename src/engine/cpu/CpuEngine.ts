// The CPU reference engine: runs SCHEDULE with the reference passes on Float32 state. Also the fast path
// on machines without a hardware GPU (typed arrays, no allocation in the step loop).
import type { BuiltNetwork } from '../../build/network.ts';
import type { Engine } from '../engine.ts';
import { Recorder } from '../recorder.ts';
import type { Recordings } from '../recordings.ts';
import { fixedIncrement } from './fixed.ts';
import { inputPass, primeInputs } from './input.ts';
import { neuronUpdatePass } from './neuronUpdate.ts';
import { plasticityPostPass, plasticityPrePass } from './plasticity.ts';
import { createState, type CpuState } from './state.ts';
import { synapsePropagatePass } from './synapsePropagate.ts';
import { traceUpdatePass } from './traceUpdate.ts';

export class CpuEngine implements Engine {
  readonly backend = 'cpu' as const;
  readonly device: string;
  readonly state: CpuState;
  readonly recorder: Recorder;
  private readonly qStatic: Float64Array;
  private readonly curSum: Float64Array;
  private readonly jMean: Float64Array;
  private readonly jSample: Float32Array;
  private _step = 0;

  constructor(readonly net: BuiltNetwork, cpuName = 'CPU') {
    this.device = `cpu (JavaScript reference engine, ${cpuName})`;
    const d = net.derived;
    this.state = createState(net);
    this.recorder = new Recorder(net);
    this.qStatic = Float64Array.from(d.projections, (p) => fixedIncrement(p.J, p.kick));
    this.curSum = new Float64Array(d.pops.length * d.channels.length);
    this.jMean = new Float64Array(this.recorder.plasticIdx.length);
    this.jSample = new Float32Array(this.recorder.plasticIdx.length * d.spec.recording.weightSamples);
    primeInputs(net, this.state);
  }

  get step(): number {
    return this._step;
  }

  /** One time step in SCHEDULE order. */
  stepOnce(): void {
    const net = this.net;
    const d = net.derived;
    const st = this.state;
    const step = this._step;
    inputPass(net, st, step, this.qStatic);
    neuronUpdatePass(d, st);
    synapsePropagatePass(net, st, this.qStatic);
    plasticityPrePass(net, st, step);
    plasticityPostPass(net, st, step);
    traceUpdatePass(d, st, step);
    this.recordStep(step);
    this._step = step + 1;
  }

  private recordStep(step: number): void {
    const d = this.net.derived;
    const st = this.state;
    this.recorder.spikes(step, st.spikes, st.nSpikes);
    const nCh = d.channels.length;
    const sample = this.net.currentSample;
    const sPop = this.net.currentSamplePop;
    for (let s = 0; s < sample.length; s++) {
      const i = sample[s]!;
      const base = sPop[s]! * nCh;
      for (let c = 0; c < nCh; c++) this.curSum[base + c]! += st.current[c * d.N + i]!;
    }
    if ((step + 1) % d.binSteps === 0) this.closeBin((step + 1) / d.binSteps - 1);
  }

  private closeBin(b: number): void {
    const d = this.net.derived;
    const nCh = d.channels.length;
    for (const p of d.pops) {
      const n = Math.min(p.size, d.spec.recording.currentSamples) * d.binSteps;
      for (let c = 0; c < nCh; c++) this.curSum[p.index * nCh + c]! /= n || 1;
    }
    const ws = d.spec.recording.weightSamples;
    this.recorder.plasticIdx.forEach((pi, k) => {
      const w = this.state.weights[pi]!;
      const scale = 1 / d.projections[pi]!.jScale;
      let sum = 0;
      for (let s = 0; s < w.length; s++) sum += w[s]!;
      this.jMean[k] = w.length ? (sum / w.length) * scale : 0;
      const ids = this.net.weightSample[pi]!;
      for (let s = 0; s < ws; s++) this.jSample[k * ws + s] = s < ids.length ? w[ids[s]!]! * scale : NaN;
    });
    try {
      this.recorder.endBin(b, this.curSum, this.jMean, this.jSample);
    } finally {
      this.curSum.fill(0);
    }
  }

  async advance(steps: number): Promise<void> {
    const end = Math.min(this._step + steps, this.net.derived.nSteps);
    while (this._step < end) this.stepOnce();
  }

  async recordings(): Promise<Recordings> {
    this.recorder.setFinalWeights(this.state.weights);
    return this.recorder.rec;
  }

  dispose(): void {}
}
