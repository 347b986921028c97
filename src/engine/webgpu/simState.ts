// SimState: the cross-pass GPU state of one network (cornell's `Common`): the buffers of layout.ts
// BINDINGS (graph and weight in chunks when they exceed a binding: chunks.ts), their single bind group
// (set once per compute pass), the shared pipeline layout, and pipeline creation for the passes. Refuses
// a network that does not fit the device, naming the buffer, its bytes, chunks and bindings.
import { ChunkedBuffer } from './chunkedBuffer.ts';
import { planStorage, type ChunkedName, type MaxChunkBytes, type StorageLayout } from './chunks.ts';
import { Ctl, NO_OVERFLOW, Params, bindingEntries, layoutWgsl, type BufferName } from './layout.ts';
import type { GpuPlan } from './plan.ts';
import { field, pack, packNew } from './schema.ts';
import { loadPassShader } from './shaderSource.ts';

/** The buffers that are one binding each. */
export type SingleName = Exclude<BufferName, ChunkedName>;

export interface SimStateOptions {
  /**
   * Tests only: chunks of graph and weight hold at most this many bytes (or per array; below the limits), so
   * a small network exercises the chunked path. Default: the device's maxStorageBufferBindingSize.
   */
  maxChunkBytes?: MaxChunkBytes;
  /** Projections whose graph sections and plastic weights the device builds (deviceGraph.ts): not uploaded. */
  deviceBuilt?: ReadonlySet<number>;
}

/**
 * The storage layout of plan on a device with `limits` (chunks of graph and weight); throws, naming the
 * buffer, its bytes and the limit, when a buffer, an index range or the storage bindings do not fit.
 */
export function checkFits(plan: GpuPlan, limits: GPUSupportedLimits, deviceName: string, maxChunkBytes?: MaxChunkBytes): StorageLayout {
  return planStorage(plan, limits, deviceName, maxChunkBytes);
}

/** Pops the two error scopes pushed by pushScopes() and throws the first error, prefixed by what. */
export async function popScopes(device: GPUDevice, what: string): Promise<void> {
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (validation) throw new Error(`WebGPU validation error ${what}: ${validation.message}`);
  if (oom) throw new Error(`WebGPU out-of-memory error ${what}: ${oom.message}`);
}

export function pushScopes(device: GPUDevice): void {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
}

export class SimState {
  readonly params: GPUBuffer;
  readonly buffers: Record<SingleName, GPUBuffer>;
  /** Plastic weights (f32), chunk by chunk. */
  readonly weight: ChunkedBuffer;
  /** CSR rows, targets, column index (unless split), tables, samples (u32), chunk by chunk. */
  readonly graph: ChunkedBuffer;
  /** The split column index (plan.colsSplit: colPtr, colW, colPre), chunk by chunk; null when it lives in graph. */
  readonly colidx: ChunkedBuffer | null;
  readonly bindGroupLayout: GPUBindGroupLayout;
  readonly pipelineLayout: GPUPipelineLayout;
  readonly bindGroup: GPUBindGroup;
  private readonly layoutText: string;
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();

  private constructor(readonly device: GPUDevice, readonly plan: GpuPlan, readonly storage: StorageLayout) {
    const bytes = plan.bytes();
    // GPUBufferUsage is a global only once Dawn is loaded (Node), so it is read here, not at import.
    const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.params = device.createBuffer({ label: 'SimState.params', size: Params.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.params, 0, packNew(Params, plan.params()));
    const make = (name: SingleName): GPUBuffer => device.createBuffer({ label: `SimState.${name}`, size: bytes[name], usage: STORAGE });
    this.buffers = { ctl: make('ctl'), fstate: make('fstate'), istate: make('istate'), acc: make('acc'), bins: make('bins') };
    this.weight = new ChunkedBuffer(device, 'SimState.weight', storage.weight, STORAGE);
    this.graph = new ChunkedBuffer(device, 'SimState.graph', storage.graph, STORAGE);
    this.colidx = storage.colidx ? new ChunkedBuffer(device, 'SimState.colidx', storage.colidx, STORAGE) : null;
    this.layoutText = layoutWgsl(storage);
    const entries = bindingEntries(storage);
    this.bindGroupLayout = device.createBindGroupLayout({
      label: 'SimState.bindGroupLayout',
      entries: entries.map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.kind } })),
    });
    this.pipelineLayout = device.createPipelineLayout({ label: 'SimState.pipelineLayout', bindGroupLayouts: [this.bindGroupLayout] });
    const bufferOf = (b: (typeof entries)[number]): GPUBuffer =>
      b.name === 'P' ? this.params : b.name === 'weight' || b.name === 'graph' ? this[b.name].buffers[b.chunk]! : b.name === 'colidx' ? this.colidx!.buffers[b.chunk]! : this.buffers[b.name];
    this.bindGroup = device.createBindGroup({
      label: 'SimState.bindGroup',
      layout: this.bindGroupLayout,
      entries: entries.map((b) => ({ binding: b.binding, resource: { buffer: bufferOf(b) } })),
    });
  }

  /** Allocates and fills every buffer (inside error scopes; an out-of-memory error names the network size). */
  static async create(device: GPUDevice, plan: GpuPlan, deviceName: string, opts: SimStateOptions = {}): Promise<SimState> {
    const storage = checkFits(plan, device.limits, deviceName, opts.maxChunkBytes);
    pushScopes(device);
    let state: SimState | undefined;
    try {
      state = new SimState(device, plan, storage);
      const { graph, colidx } = state;
      await plan.writeGraph({ graph: (at, words) => graph.write(at, words), colidx: (at, words) => colidx!.write(at, words), flush: async () => {
        await graph.flush();
        await colidx?.flush(); // resets its own count of bytes written
      } }, opts.deviceBuilt);
      await state.reset(opts.deviceBuilt);
    } finally {
      const total = Object.values(plan.bytes()).reduce((a, b) => a + b, 0);
      await popScopes(device, `allocating ${total.toLocaleString('en')} bytes of network state on ${deviceName}`).catch((e: unknown) => {
        state?.destroy();
        throw e;
      });
    }
    return state;
  }

  /** Initial state: V and weights from the built network (except projections the device builds), refractory 0, last spike -1, no overflow, step 0. */
  async reset(deviceBuilt: ReadonlySet<number> = new Set()): Promise<void> {
    const { plan, device } = this;
    const net = plan.net;
    const f = new Float32Array(plan.fstate.total);
    f.set(net.v0, plan.fstate.offset.v);
    device.queue.writeBuffer(this.buffers.fstate, 0, f);
    const s = new Int32Array(plan.istate.total);
    s.fill(-1, plan.istate.offset.last, plan.istate.offset.last + plan.N);
    s.fill(-1, plan.istate.offset.slot, plan.istate.offset.slot + plan.N);
    net.currentSample.forEach((i, slot) => (s[plan.istate.offset.slot + i] = slot));
    device.queue.writeBuffer(this.buffers.istate, 0, s);
    device.queue.writeBuffer(this.buffers.acc, 0, new Int32Array(plan.nCh * plan.N));
    for (const [i, pr] of net.derived.projections.entries()) {
      const p = plan.projs[i]!;
      if (p.plastic && !deviceBuilt.has(pr.index) && this.weight.write(p.wOff, net.csr[pr.index]!.weight)) await this.weight.flush();
    }
    this.writeHeader(0, 0);
  }

  /**
   * Writes the Ctl header: both step slots = step, list 0 holding nSpikes spikers (its entries are
   * written separately), no events, an empty record, no overflow.
   */
  writeHeader(step: number, nSpikes: number): void {
    const buf = new ArrayBuffer(this.plan.ctlHeaderBytes);
    pack(
      Ctl,
      { steps: [step, step], nSpikes: [nSpikes, 0], nEvents: 0, recCount: 0, ovfStep: NO_OVERFLOW, ovfIndex: 0, halt: 0, faultStep: NO_OVERFLOW, vBad: NO_OVERFLOW, vBadBits: 0, wBad: NO_OVERFLOW, stopStep: step },
      new DataView(buf),
    );
    this.device.queue.writeBuffer(this.buffers.ctl, 0, buf);
  }

  /** Byte offset of a Ctl header field (for clearBuffer of single counters). */
  static ctlOffset(name: 'steps' | 'nSpikes' | 'nEvents' | 'recCount' | 'ovfStep' | 'ovfIndex' | 'halt' | 'stopStep'): number {
    return field(Ctl, name).offset;
  }

  /**
   * A compute pipeline for entry point `entry` of the module made of shaders/<files>.wgsl (after the
   * generated layout and the prelude), labelled `${owner}.pipeline`; WGSL errors come with line numbers.
   */
  async pipeline(owner: string, files: string | readonly string[], entry: string, constants: Record<string, number> = {}): Promise<GPUComputePipeline> {
    const list = typeof files === 'string' ? [files] : files;
    const key = list.join('+');
    let module = this.modules.get(key);
    if (!module) {
      module = this.compile(owner, list, key);
      this.modules.set(key, module);
    }
    const what = `${owner}.pipeline (shaders/${key}.wgsl, entry ${entry}${Object.keys(constants).length ? `, ${JSON.stringify(constants)}` : ''})`;
    // createComputePipelineAsync rejects with the validation error itself (no error scope: pipelines are
    // created concurrently, and scopes are a stack).
    try {
      return await this.device.createComputePipelineAsync({ label: `${owner}.pipeline`, layout: this.pipelineLayout, compute: { module: await module, entryPoint: entry, constants } });
    } catch (e) {
      throw new Error(`creating ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async compile(owner: string, list: readonly string[], key: string): Promise<GPUShaderModule> {
    const code = loadPassShader(list, this.layoutText);
    const module = this.device.createShaderModule({ label: `${owner}.module`, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const lines = code.split('\n');
      const text = errors.map((m) => `  line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`).join('\n');
      throw new Error(`WGSL compilation of shaders/${key}.wgsl (${owner}) failed:\n${text}`);
    }
    return module;
  }

  destroy(): void {
    this.params.destroy();
    for (const b of Object.values(this.buffers)) b.destroy();
    this.weight.destroy();
    this.graph.destroy();
    this.colidx?.destroy();
  }

  /** The array that holds the column index: colidx when split, else graph (plan.col's offsets are into it). */
  get columnIndex(): ChunkedBuffer {
    return this.colidx ?? this.graph;
  }
}
