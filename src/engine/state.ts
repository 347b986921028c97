// The engine-neutral layout of a run's dynamic state: structure-of-arrays typed arrays. The CPU engine
// computes on it (CpuState), the WebGPU engine uploads and downloads it, and snapshots (src/engine/snapshot.ts)
// name their entries after its fields, so a checkpoint of one engine resumes on the other.
import type { BuiltNetwork } from '../network/network.ts';
import { neuronModel } from '../neurons/registry.ts';
import { synapseModel } from '../synapses/registry.ts';

/**
 * One state variable a neuron or synapse model declares beyond the shared arrays (v and refr per neuron;
 * current and acc per channel): one value per neuron, zero at step 0. Allocated in StateLayout.model as
 * 'neuron.<model>.<name>' (size N, indexed by the global neuron index, when any population uses the model)
 * or 'synapse.<channel>.<name>' (size N, per channel whose source uses the model); snapshots carry them as
 * state.model.<key>.
 */
export interface StateVar {
  name: string;
  type: 'f32' | 'i32';
  /** What it holds, with its unit. */
  doc: string;
}

export interface StateLayout {
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
  model: Record<string, Float32Array | Int32Array>; // the models' declared state (StateVar), by key; {} for the built-in models
  step: number; // the step in progress, set by the input pass (Poisson sources key their draws on it)
  /** Delayed recurrent input (projections with delays > 1 step): dring[(arrival % delaySlots) * nCh * N + ch * N + i], exact integers; empty when none. */
  dring: Float64Array;
  /** Spike history (delayed spike-driven plasticity, Derived.spikeHistory = H slots): step s's spikers, ascending, at shist[(s % H) * N ..], shistLen[s % H] of them; empty when none. */
  shist: Int32Array;
  shistLen: Int32Array;
}

/** Allocates a typed array of n elements (an engine may place them in its own memory, e.g. a WebAssembly arena). */
export type Alloc = <T>(ctor: { new (n: number): T; new (b: ArrayBuffer, o: number, n: number): T; readonly BYTES_PER_ELEMENT: number }, n: number) => T;

const plain: Alloc = (ctor, n) => new ctor(n);

/**
 * Fresh state from the built network (V from the seed, everything else zero); `alloc` places v, refr, current, acc, traces
 * and spikes. weights: false leaves every weights array empty (a caller that streams them: no host copy).
 */
export function createStateLayout(net: BuiltNetwork, alloc: Alloc = plain, opts: { weights?: boolean } = {}): StateLayout {
  const d = net.derived;
  const N = d.N;
  const nC = d.channels.length;
  const v = alloc(Float32Array, N);
  v.set(net.v0);
  return {
    v,
    refr: alloc(Int32Array, N),
    current: alloc(Float32Array, nC * N),
    acc: alloc(Float64Array, nC * N),
    traces: d.traces.map(() => alloc(Float32Array, N)),
    spikes: alloc(Int32Array, N),
    nSpikes: 0,
    ring: d.inputs.map((x) => new Uint16Array(x.correlation > 0 ? (2 * x.delayOffset + 1) * x.size : 0)),
    ringLen: d.inputs.map((x) => (x.correlation > 0 ? 2 * x.delayOffset + 1 : 0)),
    weights: net.csr.map((c) => (opts.weights === false ? new Float32Array(0) : Float32Array.from(c.weight))),
    signal: new Float32Array(d.nSignalChannels),
    model: modelState(net),
    step: 0,
    dring: new Float64Array(d.delaySlots * nC * N),
    shist: new Int32Array(d.spikeHistory * N),
    shistLen: new Int32Array(d.spikeHistory),
  };
}

/** The models' declared state arrays (see StateVar), zeroed, keyed 'neuron.<model>.<var>' and 'synapse.<channel>.<var>'. */
export function modelState(net: BuiltNetwork): Record<string, Float32Array | Int32Array> {
  const d = net.derived;
  const out: Record<string, Float32Array | Int32Array> = {};
  const make = (v: StateVar): Float32Array | Int32Array => (v.type === 'i32' ? new Int32Array(d.N) : new Float32Array(d.N));
  for (const p of d.pops) for (const v of neuronModel(p.neuron.model).state ?? []) out[`neuron.${p.neuron.model}.${v.name}`] ??= make(v);
  d.channels.forEach((ch, c) => {
    for (const v of synapseModel(ch.synapse).state ?? []) out[`synapse.${c}.${v.name}`] = make(v);
  });
  return out;
}
