// ConnectivityBuild: builds 'bernoulli-counter' projections on the device (shaders/connectivity_build.wgsl),
// bit-identical to the CPU builder (src/network/counterRows.ts + columnIndex): row lengths, a prefix sum,
// post indices, the column index (colPtr, colSyn, colPre) and weights = J, all on the GPU. The host only
// computes the u32 skip table (at most 16 KiB) and reads back one word per projection (its synapse count,
// needed to size the buffers). The result stays on the device (DeviceCsr); download() copies it back for
// tests and for consumers that need a host CSR.
import type { Csr } from '../../network/connectivity.ts';
import { skipTable } from '../../network/counterRows.ts';
import type { DerivedProjection } from '../../model/derive.ts';
import { BUILD_PARAMS_WORDS, BUILD_SCAN_BLOCK, deviceBuildBuffers } from '../../model/estimate.ts';
import { popScopes, pushScopes } from './simState.ts';
import { withPrelude, readShaderFile } from './shaderSource.ts';
import { grid } from './passes/pass.ts';
import { WORKGROUP_SIZE } from './layout.ts';

/** Elements per block of the scan (SCAN_BLOCK in the shader). */
const SCAN_BLOCK = BUILD_SCAN_BLOCK;
/** Bytes of BuildParams (20 words). */
const BUILD_PARAMS_BYTES = BUILD_PARAMS_WORDS * 4;

/** One projection's CSR in device buffers (u32 words; weight f32). Destroy it when done. */
export interface DeviceCsr {
  nPre: number;
  nPost: number;
  nnz: number;
  rowPtr: GPUBuffer; // nPre + 1 words: local synapse ids
  post: GPUBuffer; // nnz words: global post index
  colPtr: GPUBuffer; // nPost + 1 words
  colSyn: GPUBuffer; // nnz words: local synapse ids, ascending within a column
  colPre: GPUBuffer; // nnz words: local pre index
  weight: GPUBuffer; // nnz f32: J
  /** BuildOptions.packPre: ceil(nnz / 2) words, two local pre indices each (col_pack; the engine's pre16 layout). */
  colPre16?: GPUBuffer;
  /** Chunked builds: the local row pointers (nPre + 1) and, for a plastic projection, column pointers (nPost + 1) on the host. */
  hostRows?: Int32Array;
  hostCols?: Int32Array;
}

/** Storage buffers the build kernels bind at once (group 0: table, rows, targets, column index, weights). */
export const BUILD_STORAGE_BINDINGS = 8;

/**
 * Why projection `pr` with nnz synapses cannot be built on a device with `limits` (a buffer past one
 * binding or buffer, or too few storage bindings), with the bytes and the limit; null when it fits.
 */
export function buildRefusal(limits: GPUSupportedLimits, pr: DerivedProjection, nnz: number, opts: BuildOptions = {}): string | null {
  if (limits.maxStorageBuffersPerShaderStage < BUILD_STORAGE_BINDINGS)
    return `the build kernels bind ${BUILD_STORAGE_BINDINGS} storage buffers, the device allows ${limits.maxStorageBuffersPerShaderStage} (maxStorageBuffersPerShaderStage)`;
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const L = pr.p > 0 && pr.p < 1 ? skipTable(pr.p).length : 1;
  for (const b of deviceBuildBuffers(pr.pre.size, pr.post.size, nnz, opts.columns ?? true, opts.weights ?? true, L)) {
    if (b.bytes > cap)
      return `its ${b.name} buffer needs ${b.bytes.toLocaleString('en')} B in one binding, more than the device allows (maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize.toLocaleString('en')} B, maxBufferSize ${limits.maxBufferSize.toLocaleString('en')} B)`;
  }
  return null;
}

/** Build options: the column index and weights can be skipped (static projections need neither on the GPU). */
export interface BuildOptions {
  columns?: boolean;
  weights?: boolean;
  /**
   * Engine layout: add these to the row pointers (first global synapse id), to colPtr and colSyn (first
   * weight index) and to colPre (first global presynaptic neuron). Default none: local ids as in a Csr.
   */
  shift?: { row: number; col: number; pre: number };
  /**
   * Also pack colPre two local indices to a word into DeviceCsr.colPre16 (col_pack: the engine's split column index
   * for a presynaptic population of at most 2^16 neurons, plan.ts packPre16); shift.pre must then be 0.
   */
  packPre?: boolean;
  /** Stop after the row pointers (rowPointers()): no targets, columns or weights are built. */
  rowsOnly?: boolean;
  /**
   * Chunked targets (static projections: no columns, no weights): the targets are filled a chunk of whole rows
   * of at most `words` synapses at a time into one transient buffer, and `sink` encodes the copies of each chunk
   * (its buffer, its first synapse id, its synapses) before the next; the returned post is a placeholder.
   */
  postChunks?: { words: number; sink: (enc: GPUCommandEncoder, post: GPUBuffer, firstSyn: number, n: number) => void };
  /**
   * With postChunks, a plastic projection's column index and weights in chunks of at most postChunks.words too
   * (no whole post, colSyn, colPre or weight buffer): the column counts come from regenerated rows, each chunk of
   * whole columns is filled (colSyn = local synapse id + colShift, colPre = local pre + preShift: the engine's ids)
   * and sorted in two transient buffers handed to `columns` (its first column entry, its entries), and one
   * transient buffer of J is handed to `weights` once per piece of the weights. The returned DeviceCsr's
   * hostRows and hostCols hold the local row and column pointers.
   */
  plasticChunks?: {
    colShift: number;
    preShift: number;
    columns: (enc: GPUCommandEncoder, colSyn: GPUBuffer, colPre: GPUBuffer, firstEntry: number, n: number) => void;
    weights: (enc: GPUCommandEncoder, weight: GPUBuffer, firstSyn: number, n: number) => void;
    /**
     * With it (preShift 0, local pre < 2^16), each chunk's colPre also packed two to a word (col_pack), handed over
     * as its words [firstWord, firstWord + words) of the projection's packed colPre: a chunk that starts mid-word
     * rewrites that word whole (its low half carried from the previous chunk), so copy the chunks in order.
     */
    pre16?: (enc: GPUCommandEncoder, packed: GPUBuffer, firstWord: number, words: number) => void;
  };
}

/** Entry points of group-0 kernels in connectivity_build.wgsl. */
const BUILD_KERNELS = ['row_count', 'row_fill', 'col_count', 'col_fill', 'col_count_walk', 'col_fill_walk', 'col_sort', 'weight_fill', 'shift_out'] as const;

const storage = (t: GPUBufferBindingType = 'storage'): { type: GPUBufferBindingType } => ({ type: t });

export class ConnectivityBuild {
  /** Bytes of the buffers the last build() allocated (deviceBuildBuffers() lists them; the 4-byte count readback aside). */
  lastBuildBytes = 0;

  private constructor(
    readonly device: GPUDevice,
    private readonly buildLayout: GPUBindGroupLayout,
    private readonly scanLayout: GPUBindGroupLayout,
    private readonly emptyGroup: GPUBindGroup,
    private readonly packLayout: GPUBindGroupLayout,
    private readonly pipes: Record<(typeof BUILD_KERNELS)[number] | 'scan_local' | 'scan_blocks' | 'scan_add' | 'col_pack', GPUComputePipeline>,
  ) {}

  /** Compiles the build kernels on `device` (throws the compiler's messages when WGSL does not compile). */
  static async create(device: GPUDevice): Promise<ConnectivityBuild> {
    const code = withPrelude(readShaderFile('connectivity_build'));
    pushScopes(device);
    const module = device.createShaderModule({ label: 'connectivity_build', code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) throw new Error(`connectivity_build.wgsl does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
    const C = GPUShaderStage.COMPUTE;
    const buildLayout = device.createBindGroupLayout({
      label: 'ConnectivityBuild.group0',
      entries: [
        { binding: 0, visibility: C, buffer: storage('uniform') },
        { binding: 1, visibility: C, buffer: storage('read-only-storage') },
        ...[2, 3, 4, 5, 6, 7, 8].map((binding) => ({ binding, visibility: C, buffer: storage() })),
      ],
    });
    const scanLayout = device.createBindGroupLayout({
      label: 'ConnectivityBuild.group1',
      entries: [
        { binding: 0, visibility: C, buffer: storage('uniform') },
        { binding: 1, visibility: C, buffer: storage() },
        { binding: 2, visibility: C, buffer: storage() },
      ],
    });
    // col_pack binds only what it reads and writes (3 storage buffers), so the build kernels keep their 8.
    const packLayout = device.createBindGroupLayout({
      label: 'ConnectivityBuild.pack',
      entries: [{ binding: 0, visibility: C, buffer: storage('uniform') }, ...[7, 9, 10].map((binding) => ({ binding, visibility: C, buffer: storage() }))],
    });
    const emptyLayout = device.createBindGroupLayout({ label: 'ConnectivityBuild.empty', entries: [] });
    const emptyGroup = device.createBindGroup({ label: 'ConnectivityBuild.empty', layout: emptyLayout, entries: [] });
    const buildPl = device.createPipelineLayout({ label: 'ConnectivityBuild.build', bindGroupLayouts: [buildLayout] });
    const scanPl = device.createPipelineLayout({ label: 'ConnectivityBuild.scan', bindGroupLayouts: [emptyLayout, scanLayout] });
    const pipe = (entryPoint: string, layout: GPUPipelineLayout): Promise<GPUComputePipeline> =>
      device.createComputePipelineAsync({ label: `ConnectivityBuild.${entryPoint}`, layout, compute: { module, entryPoint } });
    const names = BUILD_KERNELS;
    const scans = ['scan_local', 'scan_blocks', 'scan_add'] as const;
    const packPl = device.createPipelineLayout({ label: 'ConnectivityBuild.pack', bindGroupLayouts: [packLayout] });
    const built = await Promise.all([...names.map((n) => pipe(n, buildPl)), ...scans.map((n) => pipe(n, scanPl)), pipe('col_pack', packPl)]);
    const pipes = Object.fromEntries([...names, ...scans, 'col_pack'].map((n, i) => [n, built[i]!])) as ConnectivityBuild['pipes'];
    await popScopes(device, 'compiling connectivity_build.wgsl');
    return new ConnectivityBuild(device, buildLayout, scanLayout, emptyGroup, packLayout, pipes);
  }

  private buffer(label: string, words: number, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST): GPUBuffer {
    const bytes = Math.max(16, 4 * words);
    const lim = this.device.limits;
    if (bytes > lim.maxStorageBufferBindingSize || bytes > lim.maxBufferSize)
      throw new Error(
        `device connectivity build: ${label} needs ${bytes.toLocaleString('en')} B, more than this device allows in one buffer binding (maxStorageBufferBindingSize ${lim.maxStorageBufferBindingSize.toLocaleString('en')} B, maxBufferSize ${lim.maxBufferSize.toLocaleString('en')} B): lower N or p, or build on the host ('bernoulli')`,
      );
    this.lastBuildBytes += bytes;
    return this.device.createBuffer({ label: `ConnectivityBuild.${label}`, size: bytes, usage });
  }

  private uniform(label: string, bytes: number): GPUBuffer {
    this.lastBuildBytes += bytes;
    return this.device.createBuffer({ label: `ConnectivityBuild.${label}`, size: bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  private dispatch(enc: GPUCommandEncoder, name: keyof ConnectivityBuild['pipes'], groups: [GPUBindGroup, GPUBindGroup?], n: number, size: number): void {
    const pass = enc.beginComputePass({ label: `ConnectivityBuild.${name}` });
    pass.setPipeline(this.pipes[name]);
    pass.setBindGroup(0, groups[0]);
    if (groups[1]) pass.setBindGroup(1, groups[1]);
    const [x, y] = grid(n, size, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  /**
   * Encodes col_pack: colPre's n entries (projection column entries [first, first + n), local pre) packed two to
   * a word into out, words [first / 2, (first + n - 1) / 2] of the projection's packed colPre; carry holds the
   * entry before `first` (set by the previous chunk: the last entry is copied into carry afterwards).
   */
  private encodePack(enc: GPUCommandEncoder, params: GPUBuffer, colPre: GPUBuffer, out: GPUBuffer, carry: GPUBuffer, first: number, n: number): void {
    const g = this.device.createBindGroup({
      label: 'ConnectivityBuild.pack',
      layout: this.packLayout,
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 7, resource: { buffer: colPre } },
        { binding: 9, resource: { buffer: out } },
        { binding: 10, resource: { buffer: carry } },
      ],
    });
    this.dispatch(enc, 'col_pack', [g], packedWords(first, n), WORKGROUP_SIZE);
    if (n > 0) enc.copyBufferToBuffer(colPre, 4 * (n - 1), carry, 0, 4);
  }

  /** Encodes an exclusive prefix sum of the first n words of buf (the total lands in word n - 1 when it was 0). */
  private encodeScan(enc: GPUCommandEncoder, buf: GPUBuffer, n: number, temps: GPUBuffer[]): void {
    const nBlocks = Math.ceil(n / SCAN_BLOCK);
    const params = this.uniform('scanParams', 16);
    this.device.queue.writeBuffer(params, 0, Uint32Array.of(n, nBlocks, 0, 0));
    const blocks = this.buffer('scanBlocks', nBlocks);
    temps.push(params, blocks);
    const g = this.device.createBindGroup({
      label: 'ConnectivityBuild.scan',
      layout: this.scanLayout,
      entries: [params, buf, blocks].map((b, binding) => ({ binding, resource: { buffer: b } })),
    });
    this.dispatch(enc, 'scan_local', [this.emptyGroup, g], n, SCAN_BLOCK);
    this.dispatch(enc, 'scan_blocks', [this.emptyGroup, g], 1, 1);
    this.dispatch(enc, 'scan_add', [this.emptyGroup, g], n, SCAN_BLOCK);
  }

  /**
   * Builds projection `pr` (connectivity 'bernoulli-counter') of a network with master seed `seed`.
   * Two submissions: row lengths + scan, then (sized by the synapse count read back) rows, columns, weights.
   */
  async build(seed: number, pr: DerivedProjection, opts: BuildOptions = {}): Promise<DeviceCsr> {
    if (pr.connectivity !== 'bernoulli-counter') throw new Error(`projection ${pr.name}: connectivity '${pr.connectivity}' is built on the host; the device builds 'bernoulli-counter' only`);
    const columns = opts.columns ?? true;
    const weights = opts.weights ?? true;
    const dev = this.device;
    const nPre = pr.pre.size;
    const nPost = pr.post.size;
    const mode = pr.p <= 0 ? 0 : pr.p >= 1 ? 2 : 1;
    const table = mode === 1 ? skipTable(pr.p) : new Uint32Array(1);
    const temps: GPUBuffer[] = [];
    this.lastBuildBytes = 0;
    const params = this.uniform('params', BUILD_PARAMS_BYTES);
    const words = new ArrayBuffer(BUILD_PARAMS_BYTES);
    const u = new Uint32Array(words);
    u.set([nPre, nPost, pr.post.offset, pr.index, seed >>> 0, mode, table.length, 0]);
    u.set([0, nPre, 0, 0, nPost, 0], 12); // row_fill: every row, post[0] = synapse 0; col_sort: every column
    new Float32Array(words)[8] = pr.J;
    dev.queue.writeBuffer(params, 0, words);
    const tableBuf = this.buffer('table', table.length);
    dev.queue.writeBuffer(tableBuf, 0, table as Uint32Array<ArrayBuffer>);
    temps.push(params, tableBuf);
    const rowPtr = this.buffer('rowPtr', nPre + 1);
    // Writable bindings must not alias: the row-length pass gets one small placeholder per unused binding.
    const slots = ['post', 'colPtr', 'colFill', 'colSyn', 'colPre', 'weight'] as const;
    const group = (b: Partial<Record<(typeof slots)[number], GPUBuffer>>): GPUBindGroup => {
      const bound = slots.map((name) => {
        const x = b[name] ?? this.buffer(`unused.${name}`, 4);
        if (!b[name]) temps.push(x);
        return x;
      });
      return dev.createBindGroup({
        label: 'ConnectivityBuild.group0',
        layout: this.buildLayout,
        entries: [params, tableBuf, rowPtr, ...bound].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
    };

    pushScopes(dev);
    let enc = dev.createCommandEncoder({ label: 'ConnectivityBuild.rows' });
    this.dispatch(enc, 'row_count', [group({})], nPre, WORKGROUP_SIZE);
    this.encodeScan(enc, rowPtr, nPre + 1, temps);
    const staging = dev.createBuffer({ label: 'ConnectivityBuild.nnz', size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    enc.copyBufferToBuffer(rowPtr, 4 * nPre, staging, 0, 4);
    dev.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const nnz = new Uint32Array(staging.getMappedRange().slice(0))[0]!;
    staging.destroy();
    await popScopes(dev, `building projection ${pr.name} on the device (row lengths)`);

    if (opts.rowsOnly) {
      for (const t of temps) t.destroy();
      const none = (label: string): GPUBuffer => this.buffer(label, 1);
      return { nPre, nPost, nnz, rowPtr, post: none('post'), colPtr: none('colPtr'), colSyn: none('colSyn'), colPre: none('colPre'), weight: none('weight') };
    }
    if (opts.postChunks) return await this.fillChunked(pr, nnz, rowPtr, params, words, group, temps, opts.postChunks, opts.plasticChunks);
    u[7] = nnz;
    const shift = opts.shift;
    if (shift) u.set([shift.row, shift.col, shift.pre], 9);
    const pack = Boolean(opts.packPre && columns);
    if (pack && shift && shift.pre !== 0) throw new Error(`projection ${pr.name}: packPre needs local presynaptic indices (shift.pre 0, not ${shift.pre})`);
    u[18] = pack ? nnz : 0; // col_pack: every entry, from colBase 0
    dev.queue.writeBuffer(params, 0, words);
    const post = this.buffer('post', nnz);
    const colPtr = this.buffer('colPtr', columns ? nPost + 1 : 1);
    const colFill = this.buffer('colFill', columns ? nPost + 1 : 1);
    const colSyn = this.buffer('colSyn', columns ? nnz : 1);
    const colPre = this.buffer('colPre', columns ? nnz : 1);
    const weight = this.buffer('weight', weights ? nnz : 1);
    temps.push(colFill);
    const g = group({ post, colPtr, colFill, colSyn, colPre, weight });
    pushScopes(dev);
    enc = dev.createCommandEncoder({ label: 'ConnectivityBuild.fill' });
    this.dispatch(enc, 'row_fill', [g], nPre, WORKGROUP_SIZE);
    if (columns) {
      this.dispatch(enc, 'col_count', [g], nPre, WORKGROUP_SIZE);
      this.encodeScan(enc, colPtr, nPost + 1, temps);
      enc.copyBufferToBuffer(colPtr, 0, colFill, 0, 4 * (nPost + 1));
      this.dispatch(enc, 'col_fill', [g], nPre, WORKGROUP_SIZE);
      this.dispatch(enc, 'col_sort', [g], nPost, WORKGROUP_SIZE);
    }
    if (weights) this.dispatch(enc, 'weight_fill', [g], nnz, WORKGROUP_SIZE);
    if (shift) this.dispatch(enc, 'shift_out', [g], Math.max(nPre + 1, nPost + 1, columns ? nnz : 0), WORKGROUP_SIZE);
    let colPre16: GPUBuffer | undefined;
    if (pack) {
      colPre16 = this.buffer('colPre16', packedWords(0, nnz));
      const carry = this.buffer('packCarry', 1);
      temps.push(carry);
      this.encodePack(enc, params, colPre, colPre16, carry, 0, nnz);
    }
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
    await popScopes(dev, `building projection ${pr.name} on the device (targets, columns, weights)`);
    for (const t of temps) t.destroy();
    return { nPre, nPost, nnz, rowPtr, post, colPtr, colSyn, colPre, weight, ...(colPre16 ? { colPre16 } : {}) };
  }

  /**
   * The targets of a projection chunk by chunk (BuildOptions.postChunks): whole rows of at most chunk.words
   * synapses per chunk (a row longer than that throws), each filled into one transient buffer and handed to
   * chunk.sink. With opts.plasticChunks, then the column index by chunks of whole columns and the weights
   * (columnsAndWeightsChunked). lastBuildBytes counts what is alive at the peak (one chunk phase at a time).
   */
  private async fillChunked(
    pr: DerivedProjection,
    nnz: number,
    rowPtr: GPUBuffer,
    params: GPUBuffer,
    words: ArrayBuffer,
    group: (b: Partial<Record<'post' | 'colPtr' | 'colFill' | 'colSyn' | 'colPre' | 'weight', GPUBuffer>>) => GPUBindGroup,
    temps: GPUBuffer[],
    chunk: NonNullable<BuildOptions['postChunks']>,
    plastic?: BuildOptions['plasticChunks'],
  ): Promise<DeviceCsr> {
    const dev = this.device;
    const nPre = pr.pre.size;
    const rows = new Int32Array(await this.read(rowPtr, nPre + 1));
    const u = new Uint32Array(words);
    const before = this.lastBuildBytes;
    let peak = 0;
    for (const [k0, k1] of wholeRuns(rows, chunk.words, (k, len) => `projection ${pr.name}: row ${k} has ${len} synapses, more than a chunk of ${chunk.words}`)) {
      const n = rows[k1]! - rows[k0]!;
      u.set([k0, k1, rows[k0]!], 12);
      dev.queue.writeBuffer(params, 0, words);
      this.lastBuildBytes = before;
      const post = this.buffer('post chunk', n);
      peak = Math.max(peak, this.lastBuildBytes - before);
      const g = group({ post });
      pushScopes(dev);
      const enc = dev.createCommandEncoder({ label: 'ConnectivityBuild.fillChunk' });
      this.dispatch(enc, 'row_fill', [g], k1 - k0, WORKGROUP_SIZE);
      chunk.sink(enc, post, rows[k0]!, n);
      dev.queue.submit([enc.finish()]);
      await dev.queue.onSubmittedWorkDone();
      await popScopes(dev, `building projection ${pr.name} on the device (targets of rows ${k0} to ${k1 - 1})`);
      post.destroy();
    }
    let hostCols: Int32Array | undefined;
    if (plastic) {
      this.lastBuildBytes = before;
      hostCols = await this.columnsAndWeightsChunked(pr, nnz, params, words, group, chunk.words, plastic);
      peak = Math.max(peak, this.lastBuildBytes - before);
    }
    for (const t of temps) t.destroy();
    const none = (label: string): GPUBuffer => this.buffer(label, 1);
    const out: DeviceCsr = { nPre, nPost: pr.post.size, nnz, rowPtr, post: none('post'), colPtr: none('colPtr'), colSyn: none('colSyn'), colPre: none('colPre'), weight: none('weight'), hostRows: rows };
    if (hostCols) out.hostCols = hostCols;
    this.lastBuildBytes = before + peak;
    return out;
  }

  /**
   * A plastic projection's column index and weights without a whole buffer of either (BuildOptions.plasticChunks):
   * column counts from regenerated rows (col_count_walk) and their scan, read back (nPost + 1 words); then per
   * chunk of whole columns of at most `maxWords` entries, col_fill_walk and col_sort into two transient buffers;
   * then one buffer of min(nnz, maxWords) J's, handed out piece by piece. Returns the local column pointers.
   */
  private async columnsAndWeightsChunked(
    pr: DerivedProjection,
    nnz: number,
    params: GPUBuffer,
    words: ArrayBuffer,
    group: (b: Partial<Record<'post' | 'colPtr' | 'colFill' | 'colSyn' | 'colPre' | 'weight', GPUBuffer>>) => GPUBindGroup,
    maxWords: number,
    plastic: NonNullable<BuildOptions['plasticChunks']>,
  ): Promise<Int32Array> {
    const dev = this.device;
    const nPre = pr.pre.size;
    const nPost = pr.post.size;
    const u = new Uint32Array(words);
    const temps: GPUBuffer[] = [];
    const colPtr = this.buffer('colPtr', nPost + 1);
    const colFill = this.buffer('colFill', nPost + 1);
    temps.push(colPtr, colFill);
    const carry = plastic.pre16 ? this.buffer('packCarry', 1) : null;
    if (carry) temps.push(carry);
    try {
      pushScopes(dev);
      let enc = dev.createCommandEncoder({ label: 'ConnectivityBuild.colCount' });
      this.dispatch(enc, 'col_count_walk', [group({ colPtr, colFill })], nPre, WORKGROUP_SIZE);
      this.encodeScan(enc, colPtr, nPost + 1, temps);
      enc.copyBufferToBuffer(colPtr, 0, colFill, 0, 4 * (nPost + 1));
      dev.queue.submit([enc.finish()]);
      await popScopes(dev, `building projection ${pr.name} on the device (column counts)`);
      const cols = new Int32Array(await this.read(colPtr, nPost + 1));
      if (cols[nPost] !== nnz) throw new Error(`projection ${pr.name}: the device's column counts add up to ${cols[nPost]} synapses, its row counts to ${nnz}`);
      const fixed = this.lastBuildBytes;
      let peak = fixed;
      for (const [j0, j1] of wholeRuns(cols, maxWords, (j, len) => `projection ${pr.name}: column ${j} has ${len} synapses, more than a chunk of ${maxWords}`)) {
        const base = cols[j0]!;
        const n = cols[j1]! - base;
        u.set([plastic.colShift, plastic.preShift], 10);
        u.set([j0, j1, base, carry ? n : 0], 15);
        dev.queue.writeBuffer(params, 0, words);
        this.lastBuildBytes = fixed;
        const colSyn = this.buffer('colSyn chunk', n);
        const colPre = this.buffer('colPre chunk', n);
        const packed = carry ? this.buffer('colPre16 chunk', packedWords(base, n)) : null;
        peak = Math.max(peak, this.lastBuildBytes);
        try {
          const g = group({ colPtr, colFill, colSyn, colPre });
          pushScopes(dev);
          enc = dev.createCommandEncoder({ label: 'ConnectivityBuild.colChunk' });
          this.dispatch(enc, 'col_fill_walk', [g], nPre, WORKGROUP_SIZE);
          this.dispatch(enc, 'col_sort', [g], j1 - j0, WORKGROUP_SIZE);
          plastic.columns(enc, colSyn, colPre, base, n);
          if (packed && carry) {
            this.encodePack(enc, params, colPre, packed, carry, base, n);
            plastic.pre16!(enc, packed, base >>> 1, packedWords(base, n));
          }
          dev.queue.submit([enc.finish()]);
          await dev.queue.onSubmittedWorkDone();
          await popScopes(dev, `building projection ${pr.name} on the device (columns ${j0} to ${j1 - 1})`);
        } finally {
          colSyn.destroy();
          colPre.destroy();
          packed?.destroy();
        }
      }
      // Weights: one buffer of J's, copied piece by piece.
      const wWords = Math.max(1, Math.min(nnz, maxWords));
      u[7] = wWords;
      dev.queue.writeBuffer(params, 0, words);
      this.lastBuildBytes = fixed;
      const weight = this.buffer('weight chunk', wWords);
      peak = Math.max(peak, this.lastBuildBytes);
      try {
        pushScopes(dev);
        enc = dev.createCommandEncoder({ label: 'ConnectivityBuild.weights' });
        this.dispatch(enc, 'weight_fill', [group({ weight })], wWords, WORKGROUP_SIZE);
        for (let s0 = 0; s0 < nnz; s0 += wWords) plastic.weights(enc, weight, s0, Math.min(wWords, nnz - s0));
        dev.queue.submit([enc.finish()]);
        await dev.queue.onSubmittedWorkDone();
        await popScopes(dev, `building projection ${pr.name} on the device (weights)`);
      } finally {
        weight.destroy();
      }
      this.lastBuildBytes = peak;
      return cols;
    } finally {
      for (const t of temps) t.destroy();
    }
  }

  /**
   * Row pointers of projection `pr` (nPre + 1 words, local synapse ids) from the row-length pass and the
   * scan alone: what the host needs of a static projection the engine builds on the device.
   */
  async rowPointers(seed: number, pr: DerivedProjection): Promise<Int32Array> {
    const dc = await this.build(seed, pr, { columns: false, weights: false, rowsOnly: true });
    try {
      return new Int32Array(await this.read(dc.rowPtr, dc.nPre + 1));
    } finally {
      destroyDeviceCsr(dc);
    }
  }

  private async read(b: GPUBuffer, words: number): Promise<ArrayBuffer> {
    const bytes = Math.max(4, 4 * words);
    const staging = this.device.createBuffer({ label: `ConnectivityBuild.read(${b.label})`, size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(b, 0, staging, 0, bytes);
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0, 4 * words);
    } finally {
      staging.destroy();
    }
  }

  /** Copies a device-built projection back into a host CSR (the layout of buildProjection()). */
  async download(c: DeviceCsr): Promise<Csr> {
    const read = (b: GPUBuffer, words: number): Promise<ArrayBuffer> => this.read(b, words);
    return {
      nPre: c.nPre,
      nPost: c.nPost,
      rowPtr: new Int32Array(await read(c.rowPtr, c.nPre + 1)),
      post: new Int32Array(await read(c.post, c.nnz)),
      weight: new Float32Array(await read(c.weight, c.nnz)),
      colPtr: new Int32Array(await read(c.colPtr, c.nPost + 1)),
      colSyn: new Int32Array(await read(c.colSyn, c.nnz)),
      colPre: new Int32Array(await read(c.colPre, c.nnz)),
    };
  }
}

/**
 * Consecutive runs [i0, i1) of the segments of `ptr` (a row or column pointer array) holding at most maxWords
 * entries each, whole segments only; a segment longer than maxWords throws tooLong(its index, its length).
 */
export function wholeRuns(ptr: Int32Array, maxWords: number, tooLong: (i: number, len: number) => string): [number, number][] {
  const n = ptr.length - 1;
  const out: [number, number][] = [];
  for (let i0 = 0; i0 < n; ) {
    let i1 = i0;
    while (i1 < n && ptr[i1 + 1]! - ptr[i0]! <= maxWords) i1++;
    if (i1 === i0) throw new Error(tooLong(i0, ptr[i0 + 1]! - ptr[i0]!));
    out.push([i0, i1]);
    i0 = i1;
  }
  return out;
}

/** Releases the buffers of a device-built projection. */
export function destroyDeviceCsr(c: DeviceCsr): void {
  for (const b of [c.rowPtr, c.post, c.colPtr, c.colSyn, c.colPre, c.weight]) b.destroy();
  c.colPre16?.destroy();
}

/** Words of packed colPre (two entries each, pairs from entry 0) that column entries [first, first + n) touch. */
export function packedWords(first: number, n: number): number {
  return n > 0 ? ((first + n - 1) >>> 1) - (first >>> 1) + 1 : 0;
}
