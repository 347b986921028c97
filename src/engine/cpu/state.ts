// CPU reference state: structure-of-arrays typed arrays, the same layout the WebGPU engine uploads.
import type { BuiltNetwork } from '../../build/network.ts';

export interface CpuState {
  v: Float32Array; // membrane potential per neuron (mV)
  refr: Int32Array; // refractory steps left
  current: Float32Array; // current[ch * N + i] (mV/ms)
  acc: Float64Array; // acc[ch * N + i]: fixed-point input of this step (exact integers, checked against i32)
  traces: Float32Array[]; // one per trace group, sized N (only the group's population is used)
  spikes: Int32Array; // this step's spikers, ascending
  nSpikes: number;
  ring: Uint16Array[]; // per input: correlated-input counts ring[(step % L) * size + k]
  ringLen: number[];
  weights: Float32Array[]; // per projection (the CSR's weights, mutated by plasticity)
  signal: Float32Array; // values of the rate-modulating signals' channels (derived.signals), 0 at step 0
  step: number; // the step in progress, set by the input pass (Poisson sources key their draws on it)
}

/** Fresh state from the built network (V from the seed, everything else zero). */
export function createState(net: BuiltNetwork): CpuState {
  const d = net.derived;
  const N = d.N;
  return {
    v: Float32Array.from(net.v0),
    refr: new Int32Array(N),
    current: new Float32Array(d.channels.length * N),
    acc: new Float64Array(d.channels.length * N),
    traces: d.traces.map(() => new Float32Array(N)),
    spikes: new Int32Array(N),
    nSpikes: 0,
    ring: d.inputs.map((x) => new Uint16Array(x.correlation > 0 ? (2 * x.delayOffset + 1) * x.size : 0)),
    ringLen: d.inputs.map((x) => (x.correlation > 0 ? 2 * x.delayOffset + 1 : 0)),
    weights: net.csr.map((c) => Float32Array.from(c.weight)),
    signal: new Float32Array(d.nSignalChannels),
    step: 0,
  };
}
