// The single source of every GPU struct and binding of the WebGPU engine. Sizes and offsets come from
// schema.ts (WGSL layout rules); the WGSL text of the structs, constants and bindings is emitted from
// here and prepended to every pass (shaderSource.ts), so no byte is counted by hand anywhere.
import {
  array,
  atomicI32,
  atomicU32,
  checkUniform,
  f32,
  i32,
  structClosure,
  struct,
  u32,
  wgslStruct,
  wgslType,
  type GpuType,
  type StructType,
} from './schema.ts';

/** Capacity of the per-network tables in the uniform Params (validate() keeps specs well inside). */
export const MAX_POPS = 20;
export const MAX_CHANNELS = 24; // at most 32: PopParams.condMask has one bit per channel
export const MAX_TRACES = 16;
/** Bits per pre trace group index in ProjParams.lagTraces0/1 (per-synapse delays): 16 groups in 4 bits, 16 lags in two words. */
export const LAG_TRACE_BITS = 4;
/** Lags of one projection the two lagTraces words hold: a lag each has its own trace group, so at most MAX_TRACES. */
export const MAX_LAG_TRACES = 64 / LAG_TRACE_BITS;
if (MAX_TRACES > 2 ** LAG_TRACE_BITS || MAX_TRACES > MAX_LAG_TRACES) throw new Error('layout.ts: MAX_TRACES outgrows ProjParams.lagTraces0/1 (LAG_TRACE_BITS)');
export const MAX_INPUTS = 4;
export const MAX_PROJ = 24;
export const MAX_SIGNALS = 4;

/** Threads per workgroup of the 1-D passes (WORKGROUP_SIZE in shaders/common.wgsl). */
export const WORKGROUP_SIZE = 64;
/** Weights summed per workgroup of the record pass (REDUCE_ITEMS per thread). */
export const REDUCE_ITEMS = 32;
export const REDUCE_BLOCK = WORKGROUP_SIZE * REDUCE_ITEMS;
/** ctl.ovfStep when no fixed-point overflow happened. */
export const NO_OVERFLOW = 0xffffffff;

export const PopParams = struct(
  'PopParams',
  'one recurrent population: its neuron range and f32 neuron constants from derive()',
  [
    ['offset', u32, 'first global neuron index'],
    ['size', u32, 'neurons'],
    ['channel', u32, 'current channel fed by its spikes'],
    ['model', u32, "the neuron model's GPU code (src/neurons: NeuronModel.gpu.code; MODEL_* in the generated WGSL)"],
    ['isEif', u32, '1: exponential term on (gLdT > 0)'],
    ['refSteps', i32, 'refractory steps after a spike'],
    ['dtOverC', f32, 'dt / C_m (cond LIF: dt / C in ms/pF)'],
    ['gL', f32, '1 / tauMem (cond LIF: g_L in nS)'],
    ['gLdT', f32, 'g_L * Delta_T'],
    ['eL', f32, 'leak reversal (mV)'],
    ['vT', f32, 'soft threshold (mV)'],
    ['invDeltaT', f32, '1 / Delta_T'],
    ['vThresh', f32, 'spike detection threshold (mV)'],
    ['vReset', f32, 'reset (mV)'],
    ['condMask', u32, 'cond LIF: bit c set for each channel c projecting onto it (its condChannels)'],
    ['iBg', f32, 'cond LIF: background current (pA)'],
    ['pBase', f32, 'Poisson source: spike probability per step without modulation'],
    ['pGain', f32, 'Poisson source: probability per unit of max(0, signal)'],
    ['sigOffset', u32, 'Poisson source: signal channel of its first source'],
    ['sigCount', u32, 'Poisson source: 0 unmodulated, 1 one channel, else source k reads sigOffset + k * sigCount / size'],
    ['adaptCh', u32, 'adaptive LIF: its adaptation channel (kicked by adaptKick per spike)'],
    ['adaptKick', f32, 'adaptive LIF: f32(-betaAdapt / tauAdapt) per spike; 0: none'],
    ['noiseAmp', f32, 'adaptive LIF: f32(sigma sqrt(dt g_L / C)) per unit noise draw; 0: none'],
    ['stateOff', u32, "fstate offset of its neuron model's first declared f32 state variable (f32 variable k at + k N); 0 if none"],
    ['istateOff', u32, "istate offset of its neuron model's first declared i32 state variable (i32 variable k at + k N); 0 if none"],
  ],
  { uniform: true },
);

export const ChannelParams = struct(
  'ChannelParams',
  'one synaptic current channel',
  [
    ['decay', f32, 'f32(1 - dt/tau)'],
    ['invTau', f32, 'f32(1/tau)'],
    ['isInput', u32, '1: not recurrent: external input (joins before the neuron update) or adaptation (decays only)'],
    ['reversal', f32, 'reversal potential (mV) on conductance-based targets (0 where none)'],
    ['model', u32, 'its synapse model\'s GPU code (src/synapses; 0 exponential)'],
    ['stateOff', u32, 'fstate offset of its synapse model\'s first declared f32 state variable (f32 variable k at + k N); 0 if none'],
    ['istateOff', u32, 'istate offset of its synapse model\'s first declared i32 state variable (i32 variable k at + k N); 0 if none'],
    ['p0', f32, 'synapse model constants beyond decay and invTau (DerivedChannel.params), else 0'],
    ['p1', f32, ''],
  ],
  { uniform: true },
);

export const TraceParams = struct(
  'TraceParams',
  'one eligibility trace group (population, tauSTDP)',
  [
    ['offset', u32, 'first neuron of its population'],
    ['size', u32, 'neurons of its population'],
    ['decay', f32, 'f32(1 - dt/tauSTDP)'],
    ['lag', u32, '0: counts its population\'s spikes of the step; L > 0: those of step - L (the arrivals of a delayed plastic projection, from the history bits)'],
  ],
  { uniform: true },
);

export const InputParams = struct(
  'InputParams',
  'one external Poisson layer (independent or correlated)',
  [
    ['size', u32, 'input neurons'],
    ['correlated', u32, '1: mother process + copies into the count ring'],
    ['countOff', u32, 'graph offset of the Poisson thresholds of the per-step count (independent)'],
    ['countLen', u32, 'thresholds in that table'],
    ['motherOff', u32, 'graph offset of the mother-count thresholds (correlated)'],
    ['motherLen', u32, 'thresholds in that table'],
    ['copyThreshold', u32, 'a child copies a mother spike when its word < this'],
    ['jitterSteps', f32, 'f32(sigma / dt)'],
    ['delayOffset', i32, 'D: copies land D + round(jitter) steps after their mother, in [0, 2D]'],
    ['startStep', i32, 'generation active in [startStep, stopStep)'],
    ['stopStep', i32, ''],
    ['ringOff', u32, 'istate offset of its count ring ring[(step % ringLen) * size + k]'],
    ['ringLen', u32, '2D + 1 slots (correlated), else 0'],
  ],
  { uniform: true },
);

export const SignalParams = struct(
  'SignalParams',
  'one rate-modulating signal: channels [offset, offset + channels) of the signal state',
  [
    ['offset', u32, 'first channel'],
    ['channels', u32, ''],
    ['decay', f32, 'f32(exp(-dt / tau))'],
  ],
  { uniform: true },
);

export const Term = struct(
  'Term',
  'one event term dJ = eta * f(J) * (a + bPre x_pre + bPost x_post) of a plasticity rule',
  [
    ['eta', f32, 'learning rate in J units'],
    ['a', f32, ''],
    ['bPre', f32, ''],
    ['bPost', f32, ''],
    ['dep', u32, '1: f(J) = J * invJRef, else 1'],
    ['invJRef', f32, ''],
  ],
  { uniform: true },
);

export const ProjParams = struct(
  'ProjParams',
  'one projection: its CSR rows in graph, its weights and its plasticity rule',
  [
    ['preIsInput', u32, '1: presynaptic side is an input layer'],
    ['preIndex', u32, 'input index when preIsInput'],
    ['preOffset', u32, 'first global presynaptic neuron (0 for inputs)'],
    ['preSize', u32, ''],
    ['postOffset', u32, ''],
    ['postSize', u32, ''],
    ['channel', u32, 'current channel its spikes feed'],
    ['q', i32, 'static fixed-point increment round(J * kick * 2^20)'],
    ['kick', f32, 'per-spike factor of a weight (derive: 1/tau into current-based populations)'],
    ['rowOff', u32, 'graph offset of its preSize + 1 row pointers (global synapse ids)'],
    ['synOff', u32, 'global id of its first synapse'],
    ['nnz', u32, 'synapses'],
    ['plastic', u32, '1: weights in `weight`, updated by the plasticity passes'],
    ['wOff', u32, 'weight index of its first synapse (plastic)'],
    ['colOff', u32, 'column-index offset (colidx_at) of its postSize + 1 column pointers (plastic)'],
    ['colPreOff', u32, 'column-index offset of its column entries\' presynaptic neurons (plastic): entry e (weight index) at colPreOff + e - wOff, or packed (pre16)'],
    ['pre16', u32, '1: its colPre words hold two local presynaptic indices (< 2^16) each, entry e - wOff in half (e - wOff) & 1 of word (e - wOff) / 2; 0: one global index per word'],
    ['blockOff', u32, 'first weight-sum block of the record pass (plastic)'],
    ['nBlocks', u32, 'weight-sum blocks (plastic)'],
    ['preTrace', u32, 'trace group of the presynaptic side'],
    ['postTrace', u32, 'trace group of the postsynaptic side'],
    ['bounded', u32, '1: bounds apply'],
    ['gate', u32, '1: bounds gate updates (else clip)'],
    ['jMin', f32, 'lower bound (J units, finite)'],
    ['jMax', f32, 'upper bound (J units, finite)'],
    ['wLo', f32, 'run guard: weights must stay in [wLo, wHi] (weightRangeOf in src/engine/weightRange.ts)'],
    ['wHi', f32, ''],
    ['startStep', i32, 'plasticity off before this step'],
    ['delayMin', u32, 'synaptic delay in steps (all synapses when delayMax == delayMin); 1: undelayed'],
    ['delayMax', u32, '> 1: spikes go through the delay ring (acc beyond nChannels * N)'],
    ['delayOff', u32, 'graph offset of the per-synapse delays (synapse y at delayOff + y - synOff) when delayMax > delayMin'],
    ['procedural', u32, '0: stored rows; procedural (storage): 1 row regenerated against the skip table at rowOff, 2 p = 1 (every post), 3 p = 0'],
    ['tableLen', u32, 'procedural 1: survival thresholds at rowOff'],
    ['arrivalLag', u32, '> 0: delayed spike-driven plasticity (axonal-delay convention): runs undelayed on the spikers of step - arrivalLag (the spike history), not through the ring'],
    ['lagTraces0', u32, 'arrivalLag > 0 and delayMax > delayMin (per-synapse delays with spike-driven plasticity): pre trace group of lag delayMin - 1 + i in bits 4i..4i+3 (i < 8; LAG_TRACE_BITS)'],
    ['lagTraces1', u32, 'the same for i in 8..15'],
    ['onPre', Term, 'applied to the row of a presynaptic spiker'],
    ['onPost', Term, 'applied to the column of a postsynaptic spiker'],
  ],
  { uniform: true },
);

export const Params = struct(
  'Params',
  'network constants and buffer sections, written once per network (uniform)',
  [
    ['N', u32, 'recurrent neurons'],
    ['nPops', u32, ''],
    ['nChannels', u32, ''],
    ['nTraces', u32, ''],
    ['nInputs', u32, ''],
    ['nProj', u32, ''],
    ['seed', u32, 'master seed (Philox key word 0)'],
    ['binSteps', u32, 'steps per recording bin'],
    ['binCap', u32, 'bin slots in `bins` (ring)'],
    ['binStride', u32, 'floats per bin slot'],
    ['binCurOff', u32, 'slot offset of the current sums [sample][channel]'],
    ['binPartOff', u32, 'slot offset of the weight block sums'],
    ['binSampOff', u32, 'slot offset of the sampled weights'],
    ['nSlots', u32, 'neurons whose currents are sampled'],
    ['nBlocks', u32, 'weight-sum blocks over all plastic projections'],
    ['nWSamples', u32, 'sampled weights over all plastic projections'],
    ['vOff', u32, 'fstate: membrane potentials [N]'],
    ['curOff', u32, 'fstate: currents [channel][N]'],
    ['trOff', u32, 'fstate: traces [group][N]'],
    ['curAccOff', u32, 'fstate: per-bin current sums [slot][channel]'],
    ['refrOff', u32, 'istate: refractory steps left [N]'],
    ['lastOff', u32, 'istate: last spike step [N] (-1: never)'],
    ['slotOff', u32, 'istate: current-sample slot of each neuron [N] (-1: none)'],
    ['spikeOff', u32, 'ctl.list: the two spike lists [2][N] (parity of the step)'],
    ['eventOff', u32, 'ctl.list: correlated-input events (source | input << 24, times)'],
    ['recOff', u32, 'ctl.list: spike record (step, id) pairs of the chunk'],
    ['recCap', u32, 'pairs the record holds'],
    ['postOff', u32, 'graph: global postsynaptic neuron of each synapse'],
    ['colWOff', u32, 'column index (colidx_at): weight index of each column entry (plastic)'],
    ['wsOff', u32, 'graph: weight index of each sampled synapse'],
    ['sigOff', u32, 'fstate: rate-modulating signal values [nSignalChannels]'],
    ['nSignals', u32, ''],
    ['nSignalChannels', u32, 'channels of all signals'],
    ['delaySlots', u32, 'slots of the delay ring in acc after the accumulators: slot s at nChannels * N * (1 + s); 0: none'],
    ['histSlots', u32, 'H: slots of the spike history (delayed spike-driven plasticity; Derived.spikeHistory); 0: none'],
    ['histOff', u32, 'ctl.list: spike history, H counts then H lists of N (step s: slot s % H)'],
    ['histBitsOff', u32, 'istate: spike history bits of neuron i at histBitsOff + i * histWords + slot / 32 (bit slot % 32)'],
    ['histWords', u32, 'words per neuron of the history bits: ceil(H / 32)'],
    ['pops', array(PopParams, MAX_POPS), ''],
    ['channels', array(ChannelParams, MAX_CHANNELS), ''],
    ['traces', array(TraceParams, MAX_TRACES), ''],
    ['inputs', array(InputParams, MAX_INPUTS), ''],
    ['signals', array(SignalParams, MAX_SIGNALS), ''],
    ['projs', array(ProjParams, MAX_PROJ), ''],
  ],
  { uniform: true },
);
checkUniform(Params);

export const Ctl = struct('Ctl', 'GPU-side control words and the spike/event/record lists', [
  ['steps', array(u32, 2), 'the step being simulated, in two slots: pipelines of parity p read steps[p]'],
  ['nSpikes', array(atomicU32, 2), 'spikers in the two spike lists (list p at P.spikeOff + p * N)'],
  ['nEvents', atomicU32, 'correlated-input events pending delivery (pairs at P.eventOff)'],
  ['recCount', atomicU32, 'record pairs written this submission (may exceed P.recCap: overflow)'],
  ['ovfStep', atomicU32, 'first step of a fixed-point overflow (0xffffffff: none)'],
  ['ovfIndex', atomicU32, 'accumulator index (channel * N + neuron) of that overflow'],
  ['halt', atomicU32, '1 once a run guard fired on the GPU (overflow, full spike record, state fault): passes do nothing'],
  ['faultStep', atomicU32, 'bin-end step of the first state fault (non-finite V, weight out of range), or 0xffffffff'],
  ['vBad', atomicU32, 'lowest neuron with a non-finite V at that step, or 0xffffffff'],
  ['vBadBits', atomicU32, 'its V (f32 bits)'],
  ['wBad', atomicU32, 'lowest weight index out of its range (or non-finite) at that step, or 0xffffffff'],
  ['stopStep', u32, 'resident schedule: the dispatch runs steps [steps[0], stopStep) (written by the host per submission)'],
  ['list', array(u32, 0), 'sections at P.spikeOff (two lists), P.eventOff, P.recOff, P.histOff'],
]);

export type BindingKind = 'uniform' | 'storage' | 'read-only-storage';

export interface BindingDef {
  name: 'P' | 'ctl' | 'fstate' | 'istate' | 'acc' | 'weight' | 'graph' | 'bins' | 'colidx';
  kind: BindingKind;
  type: GpuType;
  doc: string;
}

/** Group 0 of every pass, in binding order: one bind group is set once per compute pass. */
export const BINDINGS: readonly BindingDef[] = [
  { name: 'P', kind: 'uniform', type: Params, doc: 'network constants' },
  { name: 'ctl', kind: 'storage', type: Ctl, doc: 'step counter, list counts, overflow flag, lists' },
  { name: 'fstate', kind: 'storage', type: array(f32, 0), doc: 'f32 state sections (P.*Off)' },
  { name: 'istate', kind: 'storage', type: array(i32, 0), doc: 'i32 state sections and count rings' },
  { name: 'acc', kind: 'storage', type: array(atomicI32, 0), doc: 'fixed-point input accumulators [channel][N], then the delay ring [slot][channel][N]' },
  { name: 'weight', kind: 'storage', type: array(f32, 0), doc: 'plastic weights (J units), projection after projection' },
  { name: 'graph', kind: 'read-only-storage', type: array(u32, 0), doc: 'CSR rows, targets, column index, tables, samples' },
  { name: 'bins', kind: 'storage', type: array(f32, 0), doc: 'per-bin recordings, P.binCap slots of P.binStride' },
];

export type BufferName = Exclude<BindingDef['name'], 'P'>;

/** The column index's own array (colPtr, colW, colPre of plastic projections) when it is split from graph (plan.ts). */
export const COLIDX_BINDING: BindingDef = { name: 'colidx', kind: 'read-only-storage', type: array(u32, 0), doc: 'column index of plastic projections (colPtr, colW, colPre)' };

/**
 * Chunks of the arrays that may span several bindings (chunks.ts); one each for small networks. colidx null
 * (the default): the column index lives in graph (colidx_at is graph_at) and has no binding of its own.
 */
export interface ChunkCounts {
  weight: { count: number; chunkElems: number };
  graph: { count: number; chunkElems: number };
  colidx?: { count: number; chunkElems: number } | null;
}

export type ChunkedArray = 'weight' | 'graph' | 'colidx';

export const SINGLE_CHUNKS: ChunkCounts = { weight: { count: 1, chunkElems: 1 }, graph: { count: 1, chunkElems: 1 } };

/** One binding of group 0: a BINDINGS entry, or chunk `chunk` of a chunked one (`weight`, `graph`, `colidx`). */
export interface BindingEntry extends BindingDef {
  binding: number;
  /** The WGSL variable: the name, or `${name}_${chunk}` for weight, graph and colidx (reached by accessors only). */
  wgslName: string;
  chunk: number;
}

/**
 * Group 0 of every pass: BINDINGS at bindings 0..7 (chunk 0 of weight and graph in their places), then
 * weight chunks 1.., then graph chunks 1.. at 8 and up, then (split column index) every colidx chunk. One
 * chunk each and no colidx gives the layout of old.
 */
export function bindingEntries(chunks: ChunkCounts = SINGLE_CHUNKS): BindingEntry[] {
  const isChunked = (b: BindingDef): b is BindingDef & { name: 'weight' | 'graph' } => b.name === 'weight' || b.name === 'graph';
  const out: BindingEntry[] = BINDINGS.map((b, i) => ({ ...b, binding: i, wgslName: isChunked(b) ? `${b.name}_0` : b.name, chunk: 0 }));
  for (const b of BINDINGS.filter(isChunked)) {
    for (let k = 1; k < chunks[b.name].count; k++) out.push({ ...b, binding: out.length, wgslName: `${b.name}_${k}`, chunk: k, doc: `${b.name} chunk ${k}` });
  }
  const col = chunks.colidx;
  if (col) for (let k = 0; k < col.count; k++) out.push({ ...COLIDX_BINDING, binding: out.length, wgslName: `colidx_${k}`, chunk: k, doc: `colidx chunk ${k}` });
  return out;
}

/**
 * Accessors of a chunked array: `${name}_at(i)` and, when writable, `${name}_set(i, v)`. With one chunk
 * they are the plain array access; with K chunks, chunk i / C at i - (i / C) * C, C a constant.
 */
export function chunkAccessors(name: ChunkedArray, elem: string, writable: boolean, c: { count: number; chunkElems: number }): string {
  if (c.count === 1) {
    const set = writable ? [`fn ${name}_set(i: u32, v: ${elem}) {`, `  ${name}_0[i] = v;`, '}'] : [];
    return [`fn ${name}_at(i: u32) -> ${elem} {`, `  return ${name}_0[i];`, '}', ...set].join('\n');
  }
  const C = `${name.toUpperCase()}_CHUNK`;
  const head = [`  let c = i / ${C};`, `  let o = i - c * ${C};`];
  const ks = Array.from({ length: c.count }, (_, k) => k);
  const get = ks.map((k) => (k < c.count - 1 ? `  if (c == ${k}u) {\n    return ${name}_${k}[o];\n  }` : `  return ${name}_${k}[o];`));
  const set = ks.map((k) => (k === 0 ? `  if (c == 0u) {\n    ${name}_0[o] = v;\n  }` : k < c.count - 1 ? ` else if (c == ${k}u) {\n    ${name}_${k}[o] = v;\n  }` : ` else {\n    ${name}_${k}[o] = v;\n  }`));
  return [
    `const ${C}: u32 = ${c.chunkElems}u; // elements per chunk of ${name}`,
    `fn ${name}_at(i: u32) -> ${elem} {`,
    ...head,
    ...get,
    '}',
    ...(writable ? [`fn ${name}_set(i: u32, v: ${elem}) {`, ...head, set.join(''), '}'] : []),
  ].join('\n');
}

/** colidx_at(i): the split column index's chunks, or graph_at(i) when the column index lives in graph. */
export function colidxAccessor(c: ChunkCounts['colidx']): string {
  return c ? chunkAccessors('colidx', 'u32', false, c) : ['fn colidx_at(i: u32) -> u32 {', '  return graph_at(i);', '}'].join('\n');
}

/** The WGSL text of every struct, constant, binding and chunk accessor (prepended to each pass). */
export function layoutWgsl(chunks: ChunkCounts = SINGLE_CHUNKS): string {
  const consts = [
    `const MAX_POPS: u32 = ${MAX_POPS}u;`,
    `const MAX_CHANNELS: u32 = ${MAX_CHANNELS}u;`,
    `const MAX_TRACES: u32 = ${MAX_TRACES}u;`,
    `const LAG_TRACE_BITS: u32 = ${LAG_TRACE_BITS}u;`,
    `const MAX_INPUTS: u32 = ${MAX_INPUTS}u;`,
    `const MAX_PROJ: u32 = ${MAX_PROJ}u;`,
    `const MAX_SIGNALS: u32 = ${MAX_SIGNALS}u;`,
    `const REDUCE_ITEMS: u32 = ${REDUCE_ITEMS}u;`,
    `const NO_OVERFLOW: u32 = ${NO_OVERFLOW >>> 0}u;`,
  ];
  const structs = structClosure(BINDINGS.map((b) => b.type)).map(wgslStruct);
  const binds = bindingEntries(chunks).map((b) => {
    const space = b.kind === 'uniform' ? 'uniform' : b.kind === 'storage' ? 'storage, read_write' : 'storage, read';
    return `@group(0) @binding(${b.binding}) var<${space}> ${b.wgslName}: ${wgslType(b.type)}; // ${b.doc}`;
  });
  const access = [chunkAccessors('weight', 'f32', true, chunks.weight), chunkAccessors('graph', 'u32', false, chunks.graph), colidxAccessor(chunks.colidx)];
  return ['// Generated from src/engine/webgpu/layout.ts: do not edit.', ...consts, '', ...structs, '', ...binds, '', ...access, ''].join('\n');
}

/** Named sections of one flat buffer, in order: offsets in elements. */
export class Sections<K extends string> {
  readonly offset = {} as Record<K, number>;
  readonly length = {} as Record<K, number>;
  total = 0;
  add(name: K, n: number): this {
    this.offset[name] = this.total;
    this.length[name] = n;
    this.total += n;
    return this;
  }
}

export type { StructType };
