// Resource estimate of a validated spec before anything is allocated: synapses, host and device bytes.
// Pure (no Node): the CLI refuses a spec past the machine's memory or --max-memory, the app shows it.
import type { NetworkSpec } from './spec.ts';

/**
 * Bytes per synapse on the host: post index, weight, column index and presynaptic index (4 B each), plus
 * the growing build buffer of Bernoulli rows (measured: 20.5 B resident, ~22 B peak per synapse at
 * N = 8000 on the CPU engine; 24 leaves a margin).
 */
export const HOST_BYTES_PER_SYNAPSE = 24;
/** Bytes per synapse on the GPU: post index and weight, plus the column index of plastic projections. */
export const DEVICE_BYTES_PER_SYNAPSE = 16;
/** Host bytes per neuron or source (state, traces, statistics) and per recorded value. */
const HOST_BYTES_PER_NEURON = 128;
/** Synapse indices are i32: at most this many synapses in one projection. */
export const MAX_SYNAPSES_PER_PROJECTION = 2 ** 31 - 1;

/** Words of BuildParams in shaders/connectivity_build.wgsl (a uniform: a multiple of 4). */
export const BUILD_PARAMS_WORDS = 20;

/** Elements per block of the device build's prefix sum (SCAN_BLOCK in shaders/connectivity_build.wgsl). */
export const BUILD_SCAN_BLOCK = 256;

/**
 * Every buffer the device build of one 'bernoulli-counter' projection holds at its peak
 * (src/engine/webgpu/ConnectivityBuild.ts allocates exactly these; each at least 16 B): the skip table of
 * tableLen words, row pointers, targets, and with `columns` the column index, with `weights` f32 weights, with
 * `packPre` (and columns) the presynaptic indices packed two to a word (the WebGPU engine's split column index).
 */
export function deviceBuildBuffers(nPre: number, nPost: number, nnz: number, columns: boolean, weights: boolean, tableLen: number, packPre = false): { name: string; bytes: number }[] {
  const b = (words: number): number => Math.max(16, 4 * words);
  const scan = (n: number): number => 16 + b(Math.ceil(n / BUILD_SCAN_BLOCK));
  return [
    { name: 'params', bytes: 4 * BUILD_PARAMS_WORDS },
    { name: 'table', bytes: b(tableLen) },
    { name: 'rowPtr', bytes: b(nPre + 1) },
    { name: 'row-pass placeholders', bytes: 6 * 16 },
    { name: 'row scan', bytes: scan(nPre + 1) },
    { name: 'post', bytes: b(nnz) },
    { name: 'colPtr', bytes: b(columns ? nPost + 1 : 1) },
    { name: 'colFill', bytes: b(columns ? nPost + 1 : 1) },
    { name: 'colSyn', bytes: b(columns ? nnz : 1) },
    { name: 'colPre', bytes: b(columns ? nnz : 1) },
    { name: 'weight', bytes: b(weights ? nnz : 1) },
    ...(columns ? [{ name: 'column scan', bytes: scan(nPost + 1) }] : []),
    ...(columns && packPre ? [{ name: 'colPre16', bytes: b(Math.ceil(nnz / 2)) }, { name: 'packCarry', bytes: 16 }] : []),
  ];
}

export interface ResourceEstimate {
  synapses: number;
  neurons: number; // population neurons plus input sources
  hostBytes: number;
  deviceBytes: number;
  /** Of deviceBytes: the transient buffers of the largest device-built ('bernoulli-counter') projection's build. */
  deviceBuildBytes: number;
  /** Of synapses: those of procedural projections (storage 'procedural'), regenerated per spike and held nowhere. */
  proceduralSynapses: number;
  /** Projections whose synapse count exceeds the i32 index range. */
  oversized: { name: string; synapses: number }[];
}

/** Where the network is built, for the host estimate: 'device' (buildNetworkOnDevice) or 'host' (buildNetwork, the default). */
export interface EstimateOptions {
  /**
   * 'device': the stored static 'bernoulli-counter' projections are built on the GPU, and the host holds only their
   * row pointers (4 (nPre + 1) bytes each: no targets, column index or weights). Plastic projections keep
   * HOST_BYTES_PER_SYNAPSE: copied back whole (targets, weights, column index) when they fit one binding, except those
   * named in chunkedPlastic.
   */
  build?: 'host' | 'device';
  /**
   * With build 'device': plastic 'bernoulli-counter' projections the engine builds in chunks (past one binding: e.g.
   * DeviceFit.chunked). The host holds their row pointers and, at the end of a run, one chunk of the streamed final
   * weights (FINAL_WEIGHT_STREAM_BYTES; src/pipeline/finalWeightStream.ts: the CLI streams past 2^24 plastic synapses),
   * not the 20 B per synapse the whole Recordings.finalWeights would hold (j, pre, post, J and the weights read back).
   */
  chunkedPlastic?: readonly string[];
}

/**
 * Host bytes of a final-weight stream at its peak: the four chunk arrays (J, j, pre, post) of 2^22 synapses
 * (FINAL_WEIGHT_CHUNK_SYNAPSES); the per-neuron sums of the statistics are in the neuron bytes.
 */
export const FINAL_WEIGHT_STREAM_BYTES = 16 * 2 ** 22;

/** Estimates the memory of a validated spec from its sizes alone (expected synapse counts). */
export function estimateResources(spec: NetworkSpec, opts: EstimateOptions = {}): ResourceEstimate {
  const size = new Map<string, number>();
  let neurons = 0;
  for (const p of spec.populations) {
    const n = Math.round(p.fraction * spec.N);
    size.set(p.name, n);
    neurons += n;
  }
  for (const x of spec.inputs) {
    const n = Math.round(x.fraction * spec.N);
    size.set(x.name, n);
    neurons += n;
  }
  let synapses = 0;
  let procedural = 0;
  let deviceBuildBytes = 0;
  let deviceOnly = 0; // synapses a device build holds on the device only (static projections, chunk-built plastic ones)
  let rowPtrBytes = 0; // their row pointers, the host's copy
  let streamBytes = 0; // the final-weight stream of chunk-built plastic projections (one chunk)
  const oversized: ResourceEstimate['oversized'] = [];
  for (const pr of spec.projections) {
    const nPre = size.get(pr.pre) ?? 0;
    const nPost = size.get(pr.post) ?? 0;
    const k = pr.connectivity === 'fixed-indegree' ? Math.round(pr.p * nPre) * nPost : pr.p * nPre * nPost;
    synapses += k;
    if (pr.storage === 'procedural') {
      procedural += k; // no synapse memory, no build: only a skip table (counted in the neuron bytes' margin)
      continue;
    }
    if (pr.connectivity === 'bernoulli-counter') {
      // Table length at most 4096 (SKIP_TABLE_MAX): 16 KiB, an upper bound here.
      const bytes = deviceBuildBuffers(nPre, nPost, Math.round(k), pr.plasticity !== undefined, pr.plasticity !== undefined, 4096).reduce((a, x) => a + x.bytes, 0);
      deviceBuildBytes = Math.max(deviceBuildBytes, bytes);
      if (opts.build === 'device' && (pr.plasticity === undefined || opts.chunkedPlastic?.includes(`${pr.post}<-${pr.pre}`))) {
        deviceOnly += k;
        rowPtrBytes += 4 * (nPre + 1);
        if (pr.plasticity !== undefined) streamBytes = FINAL_WEIGHT_STREAM_BYTES; // one stream at a time
      }
    }
    if (k > MAX_SYNAPSES_PER_PROJECTION) oversized.push({ name: `${pr.post}<-${pr.pre}`, synapses: k });
  }
  const r = spec.recording;
  const nSteps = Math.round((spec.T_s * 1000) / spec.dt_ms);
  const windowSteps = Math.max(1, Math.round(r.window_ms / spec.dt_ms));
  const nWindows = Math.max(0, Math.floor((nSteps - Math.round((r.statsStart_s * 1000) / spec.dt_ms)) / windowSteps));
  const nBins = Math.floor(nSteps / Math.max(1, Math.round(r.bin_ms / spec.dt_ms)));
  const popNeurons = spec.populations.reduce((a, p) => a + (size.get(p.name) ?? 0), 0);
  const nCh = spec.populations.length + spec.inputs.length;
  const nPlastic = spec.projections.filter((p) => p.plasticity).length;
  const recBytes = 2 * nWindows * popNeurons + 8 * nBins * spec.populations.length * (1 + nCh) + nBins * nPlastic * (8 + 4 * r.weightSamples);
  const stored = synapses - procedural;
  const hostBytes = HOST_BYTES_PER_SYNAPSE * (stored - deviceOnly) + rowPtrBytes + streamBytes + HOST_BYTES_PER_NEURON * neurons + recBytes;
  const deviceBytes = DEVICE_BYTES_PER_SYNAPSE * stored + HOST_BYTES_PER_NEURON * neurons + deviceBuildBytes;
  return { synapses: Math.round(synapses), neurons, hostBytes: Math.round(hostBytes), deviceBytes: Math.round(deviceBytes), deviceBuildBytes, proceduralSynapses: procedural, oversized };
}

/** Whether projection pr of spec may be procedural (what validate.ts allows for storage 'procedural'). */
export function proceduralAllowed(spec: NetworkSpec, pr: NetworkSpec['projections'][number]): boolean {
  const known = spec.populations.some((p) => p.name === pr.pre) || spec.inputs.some((x) => x.name === pr.pre);
  return pr.connectivity === 'bernoulli-counter' && pr.plasticity === undefined && known && (!pr.delay || pr.delay.min_ms === pr.delay.max_ms);
}

/**
 * Resolves storage 'auto': stored while the network's estimated host memory (estimateResources(spec, opts).hostBytes)
 * fits budgetBytes (and `fits`, when given, accepts the spec: e.g. the WebGPU graph's u32 index range); otherwise the
 * 'auto' projections that may be procedural become procedural, largest first, until it fits (or none is left):
 * first those from populations, then those from inputs (E<-X, I<-X), so every spec that fit with its population
 * projections procedural resolves as before. Every other 'auto' becomes 'stored'. opts.build names the build that
 * will happen (default 'host': the choices of a host build are unchanged); a device build holds only row pointers of
 * stored static 'bernoulli-counter' projections, so it keeps more of them stored. Returns a copy; specs without
 * 'auto' come back unchanged. Which choice runs faster is not measured (no GPU was lent): procedural trades one
 * memory read per synapse for about one Philox word and a 12-step table search per synapse.
 */
export function resolveAutoStorage(spec: NetworkSpec, budgetBytes: number, opts: EstimateOptions = {}, fits?: (s: NetworkSpec) => boolean): NetworkSpec {
  if (!spec.projections.some((p) => p.storage === 'auto')) return spec;
  const out: NetworkSpec = { ...spec, projections: spec.projections.map((p) => ({ ...p })) };
  const auto = out.projections.filter((p) => p.storage === 'auto');
  for (const p of auto) p.storage = 'stored';
  const fraction = (name: string): number => spec.populations.find((p) => p.name === name)?.fraction ?? spec.inputs.find((x) => x.name === name)?.fraction ?? 0;
  const size = (name: string): number => Math.round(fraction(name) * spec.N);
  const fromInput = (p: NetworkSpec['projections'][number]): boolean => spec.inputs.some((x) => x.name === p.pre);
  const bySize = (a: NetworkSpec['projections'][number], b: NetworkSpec['projections'][number]): number => b.p * size(b.pre) * size(b.post) - a.p * size(a.pre) * size(a.post);
  const allowed = auto.filter((p) => proceduralAllowed(spec, p));
  const candidates = [...allowed.filter((p) => !fromInput(p)).sort(bySize), ...allowed.filter(fromInput).sort(bySize)];
  for (const p of candidates) {
    if (estimateResources(out, opts).hostBytes <= budgetBytes && (fits === undefined || fits(out))) break;
    p.storage = 'procedural';
  }
  return out;
}

/** Bytes as text: 1.5 GiB, 300 MiB. */
export function formatBytes(b: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) (b /= 1024), i++;
  return `${b.toPrecision(3)} ${u[i]}`;
}

/**
 * The reason a spec does not fit `limitBytes` of host memory (and i32 synapse indices), or null when it fits;
 * opts.build 'device' counts what the host holds when the network is built on the GPU (EstimateOptions).
 */
export function resourceRefusal(spec: NetworkSpec, limitBytes: number, limitSource: string, opts: EstimateOptions = {}): string | null {
  const e = estimateResources(spec, opts);
  const head = `N = ${spec.N}: about ${e.synapses.toExponential(3)} synapses, ${formatBytes(e.hostBytes)} of host memory${opts.build === 'device' ? ' (network built on the device)' : ''} (${formatBytes(e.deviceBytes)} on a GPU)`;
  if (e.oversized.length > 0)
    return `${head}; projection ${e.oversized[0]!.name} would have ${e.oversized[0]!.synapses.toExponential(3)} synapses, past the ${MAX_SYNAPSES_PER_PROJECTION} an i32 index can address: lower N or p`;
  if (e.hostBytes > limitBytes) return `${head}, more than the ${formatBytes(limitBytes)} allowed (${limitSource}): lower N, or raise --max-memory`;
  return null;
}

/** Parses a size such as 8GiB, 8G, 500MB, 1e9 (bytes). */
export function parseBytes(v: string): number | null {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([kmgt]i?b?|b)?\s*$/i.exec(v);
  if (!m) return null;
  const x = Number(m[1]);
  const u = (m[2] ?? 'b').toLowerCase()[0]!;
  const mult = u === 'k' ? 2 ** 10 : u === 'm' ? 2 ** 20 : u === 'g' ? 2 ** 30 : u === 't' ? 2 ** 40 : 1;
  const b = x * mult;
  return Number.isFinite(b) && b > 0 ? b : null;
}
