// Dry run of the WebGPU engine's memory plan (`plasticnet run <spec> --plan`): the same GpuPlan, storage
// chunking (planStorage) and device-build plan (planDeviceBuild) as WebGpuEngine.create, on a network that holds
// no synapse, only the expected synapse count of each projection, against given adapter limits. No device is
// needed. The engine's own check stays exact (it sizes from the built network's counts); this one uses expected
// counts (p * nPre * nPost), which at N >= 10^4 differ from the built ones by far less than the margins reported.
import type { Derived } from '../../model/derive.ts';
import { derive } from '../../model/derive.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import { deviceBuildBuffers, estimateResources, formatBytes, MAX_SYNAPSES_PER_PROJECTION } from '../../model/estimate.ts';
import { buildNetwork, type BuiltNetwork } from '../../network/network.ts';
import { proceduralCsr, type Csr } from '../../network/connectivity.ts';
import { skipTable } from '../../network/counterRows.ts';
import { GpuPlan } from './plan.ts';
import { MAX_CHUNKED_ELEMS, planStorage, type StorageLimits } from './chunks.ts';
import { planDeviceBuild } from './deviceGraph.ts';
import { defaultInputWorkgroups, defaultSpikeWorkgroups } from './WebGpuEngine.ts';

/** Adapter limits a plan is checked against, and the device memory assumed (WebGPU does not report it). */
export interface FitLimits extends StorageLimits {
  name: string;
  /** Device memory in bytes (an assumption: WebGPU reports no memory size). */
  memoryBytes: number;
}

/**
 * An NVIDIA H200 through Dawn (Vulkan), as bench/results/gpu-h200.jsonl recorded its device: maxBufferSize 2^40,
 * maxStorageBufferBindingSize 2^31 - 4, maxStorageBuffersPerShaderStage 16 (what acquireDevice requested of the
 * adapter); 141 GB of HBM3e, of which about 139 GiB is usable.
 */
export const H200_LIMITS: FitLimits = {
  name: 'NVIDIA H200 (assumed limits: maxBufferSize 2^40, maxStorageBufferBindingSize 2^31 - 4, maxStorageBuffersPerShaderStage 16, 139 GiB)',
  maxBufferSize: 2 ** 40,
  maxStorageBufferBindingSize: 2 ** 31 - 4,
  maxStorageBuffersPerShaderStage: 16,
  memoryBytes: 139 * 2 ** 30,
};

/** Expected synapses of a projection (fixed in-degree: exact). */
function expectedSynapses(pr: Derived['projections'][number]): number {
  return pr.connectivity === 'fixed-indegree' ? Math.round(pr.p * pr.pre.size) * pr.post.size : Math.round(pr.p * pr.pre.size * pr.post.size);
}

/** What a plan may assume beyond the spec. */
export interface FitOptions {
  /**
   * Plan every static stored 'bernoulli-counter' projection from an input with one delay as procedural (what
   * storage 'procedural' on it runs), holding only its skip table, to show what that would change. Default false:
   * as the spec says.
   */
  proceduralInputs?: boolean;
}

/** Whether the proceduralInputs hook makes projection pr procedural: static, from an input, 'bernoulli-counter', one delay. */
export function proceduralInputCandidate(pr: Derived['projections'][number]): boolean {
  return pr.pre.kind === 'input' && pr.plastic === null && pr.storage !== 'procedural' && pr.connectivity === 'bernoulli-counter' && pr.delay.min === pr.delay.max;
}

/** d with the FitOptions applied (a shallow copy; d itself unchanged). */
function planDerived(d: Derived, o: FitOptions): Derived {
  if (!o.proceduralInputs) return d;
  return { ...d, projections: d.projections.map((pr) => (proceduralInputCandidate(pr) ? { ...pr, storage: 'procedural' as const } : pr)) };
}

/** A network of d with the expected synapse count per projection and no per-synapse array (plans only). */
export function planNetwork(d: Derived): BuiltNetwork {
  const seed = d.spec.seed >>> 0;
  const csr = d.projections.map((pr): Csr => {
    if (pr.storage === 'procedural') return proceduralCsr(seed, pr);
    const rowPtr = new Int32Array(pr.pre.size + 1);
    rowPtr[pr.pre.size] = Math.min(expectedSynapses(pr), 2 ** 31 - 1);
    const none = new Int32Array(0);
    return { nPre: pr.pre.size, nPost: pr.post.size, rowPtr, post: none, weight: new Float32Array(0), colPtr: none, colSyn: none, colPre: none };
  });
  return buildNetwork(d, undefined, csr, true);
}

export interface DeviceFit {
  N: number;
  limits: string;
  /** Null when the network fits; else the first reason, with its bytes or elements and the limit. */
  refusal: string | null;
  synapses: number;
  storedSynapses: number;
  /** Elements of the engine's graph and weight arrays (each at most MAX_CHUNKED_ELEMS: u32 indices). */
  graphElems: number;
  weightElems: number;
  /**
   * The column index of plastic projections: its elements (colPtr, colW, colPre), whether it is split from graph
   * into its own array colidx (GpuPlan.colsSplit: when graph's u32 index cannot hold it; then colidxElems is at most
   * MAX_CHUNKED_ELEMS too), and the projections whose colPre is packed two 16-bit indices to a word (split only).
   */
  colidxElems: number;
  colsSplit: boolean;
  pre16: string[];
  /** The proceduralInputs option was on (FitOptions): these input projections were planned procedural, though the spec stores them. */
  proceduralInputs: string[];
  /** Storage bindings the pipelines need (at most maxStorageBuffersPerShaderStage); null when refused before. */
  bindings: number | null;
  /** Bytes of the engine's buffers (GpuPlan.bytes()). */
  stateBytes: number;
  /**
   * Host memory of a device build (estimateResources(spec, { build: 'device', chunkedPlastic: chunked }).hostBytes):
   * the host keeps only the row pointers of stored static 'bernoulli-counter' projections and of plastic ones built in
   * chunks (their final weights streamed by chunks: the CLI's runs); an expected count, not a plan on the device.
   */
  hostBytesDeviceBuild: number;
  /** Upper bound of the largest projection build's transient buffers (on top of the state while it runs). */
  buildPeakBytes: number;
  /** Projections the engine would build in chunks, and those the device cannot build (built on the host). */
  chunked: string[];
  uploaded: { name: string; reason: string }[];
}

const fmt = (n: number): string => n.toLocaleString('en');

/** Plans spec (validated) on an adapter with `limits` without a device: see the file header. */
export function deviceFit(spec: NetworkSpec, limits: FitLimits, o: FitOptions = {}): DeviceFit {
  const d0 = derive(spec);
  const d = planDerived(d0, o);
  const proceduralInputs = o.proceduralInputs ? d0.projections.filter(proceduralInputCandidate).map((p) => p.name) : [];
  let synapses = 0;
  let stored = 0;
  let oversized: string | null = null;
  for (const pr of d.projections) {
    const k = expectedSynapses(pr);
    synapses += k;
    if (pr.storage === 'procedural') continue; // no synapse id: row lengths (at most nPost) only
    stored += k;
    if (k > MAX_SYNAPSES_PER_PROJECTION && oversized === null)
      oversized = `projection ${pr.name} would have ${fmt(k)} synapses, past the ${fmt(MAX_SYNAPSES_PER_PROJECTION)} an i32 synapse index can address (MAX_SYNAPSES_PER_PROJECTION)`;
  }
  const out: DeviceFit = { N: spec.N, limits: limits.name, refusal: oversized, synapses, storedSynapses: stored, graphElems: 0, weightElems: 0, colidxElems: 0, colsSplit: false, pre16: [], proceduralInputs, bindings: null, stateBytes: 0, hostBytesDeviceBuild: estimateResources(spec, { build: 'device' }).hostBytes, buildPeakBytes: 0, chunked: [], uploaded: [] };
  if (oversized) return out;
  const net = planNetwork(d);
  const plan = new GpuPlan(net, { stepsPerSubmit: 1000, spikeWorkgroups: defaultSpikeWorkgroups(net, false), inputWorkgroups: defaultInputWorkgroups(net) });
  out.graphElems = plan.graph.total;
  out.weightElems = plan.weightLen;
  out.colsSplit = plan.colsSplit;
  out.colidxElems = plan.colsSplit ? plan.colidx.total : plan.graph.length.colPtr + plan.graph.length.colW + plan.graph.length.colPre;
  out.pre16 = d.projections.filter((_, i) => plan.projs[i]!.pre16 === 1).map((p) => p.name);
  out.stateBytes = Object.values(plan.bytes()).reduce((a, b) => a + b, 0);
  const gpuLimits = { ...limits, maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage } as unknown as GPUSupportedLimits;
  const build = planDeviceBuild(net, gpuLimits, true, limits.name);
  out.chunked = [...build.chunked.keys()].map((i) => d.projections[i]!.name);
  out.hostBytesDeviceBuild = estimateResources(spec, { build: 'device', chunkedPlastic: out.chunked }).hostBytes; // chunk-built plastic: row pointers, final weights streamed
  out.uploaded = build.uploaded;
  for (const i of build.built) {
    const pr = d.projections[i]!;
    const plastic = pr.plastic !== null;
    const nnz = net.csr[i]!.rowPtr[pr.pre.size]!;
    const words = build.chunked.get(i);
    const L = pr.p > 0 && pr.p < 1 ? skipTable(pr.p).length : 1;
    const pre16 = plan.projs[i]!.pre16 === 1;
    const bytes = deviceBuildBuffers(pr.pre.size, pr.post.size, words === undefined ? nnz : Math.min(nnz, words), plastic, plastic, L, pre16).reduce((a, b) => a + b.bytes, 0);
    out.buildPeakBytes = Math.max(out.buildPeakBytes, bytes);
  }
  try {
    out.bindings = planStorage(plan, limits, limits.name).storageBindings;
  } catch (e) {
    out.refusal = (e as Error).message;
    return out;
  }
  const need = out.stateBytes + out.buildPeakBytes;
  if (need > limits.memoryBytes)
    out.refusal = `Network does not fit on ${limits.name}: its buffers need ${fmt(out.stateBytes)} B and the largest device build ${fmt(out.buildPeakBytes)} B more, ${formatBytes(need)} in all, more than the ${formatBytes(limits.memoryBytes)} of device memory assumed`;
  return out;
}

/**
 * Whether spec's WebGPU layout fits: every chunked array (graph, the column index when split, weight) within its u32
 * element indices (MAX_CHUNKED_ELEMS, a limit on every adapter) and the storage bindings those arrays need at the
 * H200's binding size within its 16 per stage (H200_LIMITS: the limits Dawn reported there; an adapter's own limits
 * are not known before the device is acquired, and the engine's check at creation stays exact). The plan of
 * deviceFit (expected synapse counts); device memory is not checked. storage 'auto' of a run on the WebGPU backend
 * (prepareRunSpec) makes more projections procedural, input ones last, until this holds.
 */
export function withinGraphIndices(spec: NetworkSpec): boolean {
  const d = derive(spec);
  if (d.projections.some((pr) => pr.storage !== 'procedural' && expectedSynapses(pr) > MAX_SYNAPSES_PER_PROJECTION)) return false;
  const net = planNetwork(d);
  const plan = new GpuPlan(net, { stepsPerSubmit: 1000, spikeWorkgroups: defaultSpikeWorkgroups(net, false), inputWorkgroups: defaultInputWorkgroups(net) });
  try {
    planStorage(plan, H200_LIMITS, H200_LIMITS.name); // throws past the u32 indices of any chunked array or the bindings
    return true;
  } catch {
    return false;
  }
}

/** One text block for the terminal. */
export function describeFit(f: DeviceFit): string {
  const lines = [
    `WebGPU plan for N = ${fmt(f.N)} on ${f.limits} (expected synapse counts${f.proceduralInputs.length ? `; assuming procedural input projections ${f.proceduralInputs.join(', ')}, stored in the spec` : ''}):`,
    `  synapses ${f.synapses.toExponential(3)}, stored ${f.storedSynapses.toExponential(3)}`,
    `  graph ${fmt(f.graphElems)} elements, weights ${fmt(f.weightElems)} elements${f.colsSplit ? `, column index ${fmt(f.colidxElems)} elements in its own array (colidx${f.pre16.length ? `; presynaptic indices packed two to a word: ${f.pre16.join(', ')}` : ''})` : ''} (u32 indices: at most ${fmt(MAX_CHUNKED_ELEMS)} each)`,
    `  device state ${formatBytes(f.stateBytes)}, largest build's transient buffers <= ${formatBytes(f.buildPeakBytes)}${f.bindings !== null ? `, ${f.bindings} storage bindings` : ''}`,
    `  host memory if built on the device about ${formatBytes(f.hostBytesDeviceBuild)} (estimate: the host keeps only the row pointers of stored static 'bernoulli-counter' projections and of plastic ones built in chunks, whose final weights are streamed)`,
  ];
  if (f.chunked.length > 0) lines.push(`  built on the device in chunks: ${f.chunked.join(', ')}`);
  for (const u of f.uploaded) lines.push(`  built on the host (the device build does not fit): ${u.name}: ${u.reason}`);
  lines.push(f.refusal === null ? '  fits' : `  does not fit: ${f.refusal}`);
  return lines.join('\n');
}

/**
 * The largest N (a multiple of `step`) in [step, hi] at which withN(N) fits `limits` (bisection: fitting is
 * monotone in N for a fixed spec shape), or 0 when none does. An N whose spec withN refuses (throws, e.g. a
 * validation limit) counts as not fitting.
 */
export function largestFittingN(withN: (N: number) => NetworkSpec, limits: FitLimits, hi = 10_000_000, step = 1000, o: FitOptions = {}): number {
  const fits = (N: number): boolean => {
    let spec: NetworkSpec;
    try {
      spec = withN(N);
    } catch {
      return false;
    }
    return deviceFit(spec, limits, o).refusal === null;
  };
  let lo = 0; // fits (0: none known)
  let up = Math.ceil(hi / step); // in units of step
  if (fits(up * step)) return up * step;
  while (up - lo > 1) {
    const mid = Math.floor((lo + up) / 2);
    if (fits(mid * step)) lo = mid;
    else up = mid;
  }
  return lo * step;
}
