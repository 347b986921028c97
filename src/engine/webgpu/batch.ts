// GpuBatch: B independent networks of one shape (realisations with other seeds, or parameter sets of a
// sweep) advanced by ONE dispatch of B workgroups per stretch of steps (issue 19, "batches"): workgroup k
// runs network k's steps with the resident kernel (shaders/resident_batch.wgsl), on network k's part of
// packed buffers (batchModule.ts). Each network stays a WebGpuEngine with its own buffers and Recorder,
// which are the state between submissions (snapshots, checkpoints, readback): a submission copies every
// engine's mutable buffers into the packed ones, dispatches once, copies them back, then reads each
// engine back as its own submission would. The graph is read-only and copied once, at create().
// Workgroups share nothing and wait on nothing of each other (WebGPU has no inter-workgroup barrier).
import { BatchNet, CtlHead, PACKED, batchFit, batchLayoutWgsl, batchWgsl, netBaseValue, type BatchLayout, type NetBytes, type PackedName } from './batchModule.ts';
import { residentModule } from './passes/ResidentStep.ts';
import { popScopes, pushScopes } from './simState.ts';
import { DEFAULT_SUBMIT_TARGET_MS, SubmitPacer, type Clock } from './pacer.ts';
import type { Readback } from './readback.ts';
import { pack } from './schema.ts';
import { loadPassShader } from './shaderSource.ts';
import type { WebGpuEngine } from './WebGpuEngine.ts';

export interface BatchOptions {
  /** Wall time one shared submission should take (ms; default DEFAULT_SUBMIT_TARGET_MS); 0: the engines' stepsPerSubmit. */
  submitTarget_ms?: number;
  clock?: Clock;
}

export class GpuBatch {
  private readonly pacer: SubmitPacer | null;
  private readonly clock: Clock;
  private readonly per: number;
  private lastFinish_ms = -Infinity;

  private constructor(
    readonly engines: readonly WebGpuEngine[],
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly packed: Record<'nets' | 'ctl' | Exclude<PackedName, 'list'>, GPUBuffer>,
    readonly layout: BatchLayout,
    o: BatchOptions,
  ) {
    this.per = Math.min(...engines.map((e) => e.state.plan.opts.stepsPerSubmit));
    const target = o.submitTarget_ms ?? DEFAULT_SUBMIT_TARGET_MS;
    this.pacer = target > 0 ? new SubmitPacer({ target_ms: target, maxSteps: this.per }) : null;
    this.clock = o.clock ?? (() => performance.now());
  }

  /**
   * A batch of these engines (one device, the resident schedule, one shape, the same step). Throws naming
   * the network and what differs, or the device limit the packed batch exceeds.
   */
  static async create(engines: readonly WebGpuEngine[], o: BatchOptions = {}): Promise<GpuBatch> {
    checkBatchable(engines);
    const gpu = engines[0]!.gpu;
    const layout = batchFit(engines.map(netBytes), gpu.limits);
    const e0 = engines[0]!;
    const { files, constants } = residentModule(e0.state.plan, e0.resident!.shape);
    const code = batchWgsl(loadPassShader([...files, 'resident_batch'], batchLayoutWgsl(engines.length)));
    pushScopes(gpu);
    const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (name: string, bytes: number): GPUBuffer => gpu.createBuffer({ label: `GpuBatch.${name}`, size: Math.max(16, bytes), usage: STORAGE });
    const b = layout.bytes;
    const packed = { nets: make('nets', b.nets), ctl: make('ctl', b.ctl), fstate: make('fstate', b.fstate), istate: make('istate', b.istate), acc: make('acc', b.acc), weight: make('weight', b.weight), graph: make('graph', b.graph), bins: make('bins', b.bins) };
    const destroy = (): void => Object.values(packed).forEach((x) => x.destroy());
    try {
      await popScopes(gpu, `allocating the packed buffers of a batch of ${engines.length} networks`);
    } catch (e) {
      destroy();
      throw e;
    }
    const module = gpu.createShaderModule({ label: 'GpuBatch.module', code });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (errors.length) {
      destroy();
      const lines = code.split('\n');
      throw new Error(`WGSL compilation of the batch kernel failed:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`).join('\n')}`);
    }
    const kinds: GPUBufferBindingType[] = ['read-only-storage', 'storage', 'storage', 'storage', 'storage', 'storage', 'read-only-storage', 'storage'];
    const order = [packed.nets, packed.ctl, packed.fstate, packed.istate, packed.acc, packed.weight, packed.graph, packed.bins];
    const bgl = gpu.createBindGroupLayout({ label: 'GpuBatch.bindGroupLayout', entries: kinds.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })) });
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await gpu.createComputePipelineAsync({
        label: 'GpuBatch.pipeline',
        layout: gpu.createPipelineLayout({ label: 'GpuBatch.pipelineLayout', bindGroupLayouts: [bgl] }),
        compute: { module, entryPoint: 'step_resident_batch', constants },
      });
    } catch (e) {
      destroy();
      throw new Error(`creating the batch kernel's pipeline failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const bindGroup = gpu.createBindGroup({ label: 'GpuBatch.bindGroup', layout: bgl, entries: order.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    // Every network's Params and bases (written once: Params do not change after an engine is built),
    // and the read-only graph.
    const nets = new ArrayBuffer(b.nets);
    const view = new DataView(nets);
    engines.forEach((e, k) => pack(BatchNet, { p: e.state.plan.params(), base: netBaseValue(layout.bases[k]!) }, view, k * BatchNet.size));
    gpu.queue.writeBuffer(packed.nets, 0, nets);
    const enc = gpu.createCommandEncoder({ label: 'GpuBatch.graph' });
    engines.forEach((e, k) => enc.copyBufferToBuffer(e.state.graph.buffers[0]!, 0, packed.graph, 4 * layout.bases[k]!.graph, netBytes(e).graph));
    gpu.queue.submit([enc.finish()]);
    return new GpuBatch(engines, pipeline, bindGroup, packed, layout, o);
  }

  /** A short description for the bench lines: one dispatch of B workgroups. */
  describe(): string {
    const r = this.engines[0]!.resident!;
    return `batch: 1 dispatch of ${this.engines.length} workgroups (1 per network) x ${r.shape.threads} threads, rows of ${r.shape.rowThreads}, accumulators in ${r.shape.accInWorkgroup ? 'workgroup memory' : 'storage'}`;
  }

  /** Frees the packed buffers (the engines stay; dispose them yourself). */
  dispose(): void {
    for (const b of Object.values(this.packed)) b.destroy();
  }

  /** Copies of every network's mutable buffers into (in = true) or out of the packed ones. */
  private encodeCopies(enc: GPUCommandEncoder, into: boolean): void {
    const hdr = CtlHead.size;
    const B = this.engines.length;
    for (const [k, e] of this.engines.entries()) {
      const s = e.state;
      const base = this.layout.bases[k]!;
      const nb = netBytes(e);
      const pairs: [GPUBuffer, number, GPUBuffer, number, number][] = [
        [s.buffers.ctl, 0, this.packed.ctl, k * hdr, hdr],
        [s.buffers.ctl, hdr, this.packed.ctl, B * hdr + 4 * base.list, nb.list],
        [s.buffers.fstate, 0, this.packed.fstate, 4 * base.fstate, nb.fstate],
        [s.buffers.istate, 0, this.packed.istate, 4 * base.istate, nb.istate],
        [s.buffers.acc, 0, this.packed.acc, 4 * base.acc, nb.acc],
        [s.weight.buffers[0]!, 0, this.packed.weight, 4 * base.weight, nb.weight],
        [s.buffers.bins, 0, this.packed.bins, 4 * base.bins, nb.bins],
      ];
      for (const [own, ownAt, pk, pkAt, bytes] of pairs) {
        if (into) enc.copyBufferToBuffer(own, ownAt, pk, pkAt, bytes);
        else enc.copyBufferToBuffer(pk, pkAt, own, ownAt, bytes);
      }
    }
  }

  get step(): number {
    return this.engines[0]!.step;
  }

  /** Advances every network by `steps` (each stops at its own nSteps; the batch at the smallest). */
  async advance(steps: number): Promise<void> {
    const end = Math.min(this.step + steps, ...this.engines.map((e) => e.net.derived.nSteps));
    const gpu = this.engines[0]!.gpu;
    const inflight: { parts: Readback[]; steps: number; submitted_ms: number }[] = [];
    let at = this.step;
    const finish = async (): Promise<void> => {
      const s = inflight.shift()!;
      for (const [k, e] of this.engines.entries()) {
        try {
          await e.batchFinish(s.parts[k]!);
        } catch (err) {
          for (const rb of s.parts.slice(k + 1)) await rb.read().catch(() => undefined);
          throw new Error(`GpuBatch: network ${k}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
      const now = this.clock();
      this.pacer?.observe(s.steps, now - Math.max(s.submitted_ms, this.lastFinish_ms));
      this.lastFinish_ms = now;
    };
    try {
      while (at < end) {
        const n = this.pacer ? this.pacer.next(end - at) : Math.min(this.per, end - at);
        pushScopes(gpu);
        const enc = gpu.createCommandEncoder({ label: `GpuBatch.steps[${at}..${at + n - 1}] x ${this.engines.length}` });
        const parts = this.engines.map((e) => e.batchBegin(enc, at, n));
        this.encodeCopies(enc, true);
        const pass = enc.beginComputePass({ label: 'GpuBatch.steps' });
        pass.setPipeline(this.pipeline);
        pass.setBindGroup(0, this.bindGroup);
        pass.dispatchWorkgroups(this.engines.length);
        pass.end();
        this.encodeCopies(enc, false);
        this.engines.forEach((e, k) => e.batchEnd(enc, parts[k]!, at, n));
        const submitted_ms = this.clock();
        gpu.queue.submit([enc.finish()]);
        const errors = popScopes(gpu, `in a batch submission of steps ${at}..${at + n - 1}`);
        // Each engine reads the shared scopes' outcome as its own (a failure names the batch).
        const shared = errors.then(() => null, (e: Error) => ({ message: e.message }) as GPUError);
        for (const rb of parts) {
          rb.errors = [shared, Promise.resolve(null)];
          rb.mapped = rb.staging.mapAsync(GPUMapMode.READ);
        }
        inflight.push({ parts, steps: n, submitted_ms });
        at += n;
        if (inflight.length === 2) await finish();
      }
      while (inflight.length) await finish();
    } catch (e) {
      for (const s of inflight) for (const rb of s.parts) await rb.read().catch(() => undefined);
      throw e;
    }
  }
}

/** Bytes of one network's packed sections: its buffers (one chunk of weight and graph), its Ctl list. */
function netBytes(e: WebGpuEngine): NetBytes {
  const s = e.state;
  const out: Partial<NetBytes> = {};
  for (const n of PACKED) {
    out[n] =
      n === 'list' ? s.buffers.ctl.size - CtlHead.size : n === 'weight' || n === 'graph' ? s[n].buffers[0]!.size : s.buffers[n].size;
  }
  return out as NetBytes;
}

/** Throws naming the network and what keeps it out of a batch with network 0. */
function checkBatchable(engines: readonly WebGpuEngine[]): void {
  if (engines.length === 0) throw new RangeError('GpuBatch: engines = []: at least one network');
  const e0 = engines[0]!;
  const p0 = e0.state.plan;
  engines.forEach((e, k) => {
    const p = e.state.plan;
    if (e.gpu !== e0.gpu) throw new Error(`GpuBatch: network ${k} is on another device (one batch, one device)`);
    if (!e.resident) throw new Error(`GpuBatch: network ${k} runs the '${e.schedule}' schedule; a batch needs 'resident' (N = ${e.net.derived.N})`);
    if (e.step !== e0.step) throw new Error(`GpuBatch: network ${k} is at step ${e.step}, network 0 at ${e0.step}`);
    if (e.state.weight.buffers.length !== 1 || e.state.graph.buffers.length !== 1)
      throw new Error(`GpuBatch: network ${k} keeps its weights or graph in several chunks (${e.state.weight.buffers.length}, ${e.state.graph.buffers.length}); a batch packs one chunk per network`);
    if (e.state.colidx) throw new Error(`GpuBatch: network ${k} keeps its column index in an array of its own (colidx, ${e.state.colidx.buffers.length} chunk(s)); a batch packs the column index inside graph`);
    const shape = (x: WebGpuEngine): string => JSON.stringify([x.resident!.shape, x.state.plan.corrThreads]);
    const differs = [
      ['N', p.N, p0.N],
      ['channels', p.nCh, p0.nCh],
      ['delay slots', p.net.derived.delaySlots, p0.net.derived.delaySlots],
      ['resident shape (threads, rows, accumulators; correlated threads)', shape(e), shape(e0)],
    ].find(([, a, b]) => a !== b);
    if (differs) throw new Error(`GpuBatch: network ${k} has ${differs[0]} = ${differs[1]}, network 0 ${differs[2]}: one batch kernel runs networks of one shape`);
  });
}
