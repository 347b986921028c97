// The WebGPU engine (registered as 'webgpu', src/engine/webgpu/register.ts): SCHEDULE's passes in WGSL, many steps per submission, the step counter on the GPU,
// recordings read back in bulk per submission and fed to the same Recorder as the CPU engine.
import type { BuiltNetwork } from '../../network/network.ts';
import { SCHEDULE, type Engine, type RecordingsOptions } from '../engine.ts';
import { finalWeightSources, type FinalWeightSource } from '../../record/finalWeights.ts';
import { DeviceLostError } from '../faults.ts';
import type { EngineSnapshot, StreamedSnapshot } from '../snapshot.ts';
import { gpuRestore, gpuSnapshot, gpuStreamedSnapshot } from './checkpoint.ts';
import { Recorder } from '../recorder.ts';
import type { Recordings } from '../../record/recordings.ts';
import { acquireDevice, releaseDevice, summarizeInfo, type AdapterSummary } from './device.ts';
import type { MaxChunkBytes } from './chunks.ts';
import { installDeviceGraph, planDeviceBuild } from './deviceGraph.ts';
import { feedChunk } from './feed.ts';
import { NO_OVERFLOW, WORKGROUP_SIZE } from './layout.ts';
import { AdvancePass } from './passes/AdvancePass.ts';
import { FusedStep } from './passes/FusedStep.ts';
import { InputPass } from './passes/InputPass.ts';
import { NeuronUpdatePass } from './passes/NeuronUpdatePass.ts';
import type { GpuPass, GpuPassName, Threads } from './passes/pass.ts';
import { RecordPass } from './passes/RecordPass.ts';
import { PlasticityPostPass, PlasticityPrePass, SynapsePropagatePass } from './passes/SpikerPass.ts';
import { TraceUpdatePass } from './passes/TraceUpdatePass.ts';
import { GpuPlan } from './plan.ts';
import { Profiler, type PassTimes } from './profiler.ts';
import { Readback } from './readback.ts';
import { isScheduleChoice, SCHEDULE_CHOICES, type Schedule, type ScheduleChoice } from './scheduleChoice.ts';
import { DEFAULT_SUBMIT_TARGET_MS, SubmitPacer, type Clock } from './pacer.ts';
import { RESIDENT_MAX_NEURONS, ResidentStep, residentFit } from './passes/ResidentStep.ts';
import { chooseStepBlock, stepBlockFit, type StepBlockFit, type StepBlocksChoice } from './stepBlocks.ts';
import { popScopes, pushScopes, SimState } from './simState.ts';
import { downloadState, plasticWeights, uploadState, type GpuSnapshot, type UploadableState } from './snapshot.ts';

export { SCHEDULE_CHOICES, type Schedule, type ScheduleChoice } from './scheduleChoice.ts';

export interface WebGpuEngineOptions {
  /**
   * 'auto' (default): 'resident' where the network fits one workgroup (residentFit in
   * passes/ResidentStep.ts) on a hardware adapter, else 'fused' (software adapters: see create()). 'resident': every step of a submission in one dispatch of one
   * workgroup (an error where it does not fit). 'fused': three dispatches per step (two without
   * plasticity and correlated input), the step counter advanced by the neuron pass. 'passes': one
   * dispatch per SCHEDULE pass and a step counter pass, the state at step boundaries: needed by
   * uploadState/runPasses (validation).
   */
  schedule?: ScheduleChoice;
  /**
   * Most steps per queue submission (default 1000; it sizes the spike record and the bin readback).
   * Given, every submission has this many steps (but the last); not given, the steps per submission
   * adapt to submitTarget_ms (SubmitPacer, pacer.ts).
   */
  stepsPerSubmit?: number;
  /** Wall time one submission should take, ms (default DEFAULT_SUBMIT_TARGET_MS); 0: fixed stepsPerSubmit. */
  submitTarget_ms?: number;
  /** The pacer's clock (ms; default performance.now): tests hand in a fake one. */
  clock?: Clock;
  /** Threads of the resident workgroup (default 256 on hardware adapters, 128 on software ones). */
  residentThreads?: number;
  /** Largest N the 'auto' schedule runs resident (default RESIDENT_MAX_NEURONS). */
  residentMaxNeurons?: number;
  /** Tests only: keep the resident kernel's accumulators in the acc binding even where they fit workgroup memory. */
  residentAccInStorage?: boolean;
  /** Workgroups of the per-spiker passes (default from N; fewer on software adapters). */
  spikeWorkgroups?: number;
  /** Threads per workgroup of the per-spiker passes (default 256 on hardware adapters, 64 on software ones). */
  rowThreads?: number;
  /** Threads per workgroup of the per-neuron passes (default 64; 256 on software adapters, which pay per workgroup). */
  neuronThreads?: number;
  /**
   * Tests only: graph and weight chunks of at most this many bytes, or per array (default: the device's
   * maxStorageBufferBindingSize), so a small network runs the chunked path (chunks.ts) that N = 10^5
   * needs on a device whose storage bindings are smaller than its buffers.
   */
  maxChunkBytes?: MaxChunkBytes;
  /**
   * Where the column index of plastic projections lives (PlanOptions.splitColumns): 'auto' (default) in graph
   * unless graph's u32 index cannot hold it, then in its own chunked array colidx (colPre packed 16-bit where the
   * presynaptic population allows); tests set true to run that split layout at small N.
   */
  splitColumns?: boolean | 'auto';
  /** Adapter description of a handed-in device (for Engine.device). */
  adapterInfo?: AdapterSummary;
  /** Time every pass with timestamp queries on every `profileEvery`-th step (bench). */
  profileEvery?: number;
  /**
   * Build 'bernoulli-counter' projections on the device instead of uploading the host's CSR (deviceGraph.ts).
   * true (default): those whose build buffers fit one binding, the others uploaded (engine.connectivityBuild
   * says which and why); 'require': refuse one that does not fit, with its bytes and the limit; false:
   * upload them like every other projection (tests compare the two).
   */
  deviceBuild?: boolean | 'require';
  /**
   * Largest chunk of a device build in bytes (default: one binding, maxStorageBufferBindingSize): a projection
   * with more targets is built in chunks of whole rows (and, plastic, of whole columns; deviceGraph.ts). Tests set
   * it small. An integer of at least 16 bytes, else a RangeError naming it.
   */
  buildChunkBytes?: number;
  /**
   * Resident schedule: steps per block between propagations (stepBlocks.ts, resident_blocks in resident.wgsl).
   * 'auto' (default): the longest exact block, the minimum delay of the population projections capped at
   * MAX_BLOCK_STEPS when every one is delayed >= 2 steps and none is plastic, else 1 (the per-step loop); a
   * number: that block (1: per step), an error when it exceeds the exact one. Other schedules: 1.
   */
  stepBlocks?: StepBlocksChoice;
  /** Tests only: run blocks of this many steps even where they are not exact (the deliberately broken variant). */
  stepBlocksUnchecked?: number;
}

/** The pass-by-pass schedule's passes (SCHEDULE order). */
export interface Passes {
  input: InputPass | null;
  neuron_update: NeuronUpdatePass;
  synapse_propagate: SynapsePropagatePass;
  plasticity_pre: PlasticityPrePass | null;
  plasticity_post: PlasticityPostPass | null;
  trace_update: TraceUpdatePass;
  advance: AdvancePass;
}

/** Threads per spiker row on a hardware adapter (see create()). */
const HARDWARE_ROW_THREADS = 256;

/** Workgroups striding over the spike list: ~8 spikers each at 100 Hz; software adapters pay per workgroup. */
export function defaultSpikeWorkgroups(net: BuiltNetwork, software: boolean): number {
  const g = Math.ceil(net.derived.N / 125);
  return software ? Math.max(2, Math.min(8, Math.ceil(g / 8))) : Math.max(4, Math.min(1024, g));
}

/** GPUDevice.adapterInfo of a handed-in device, summarised as summarizeAdapter() does. */
function deviceAdapterInfo(device: GPUDevice): AdapterSummary | undefined {
  const ai = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return ai ? summarizeInfo(ai) : undefined;
}

export function defaultInputWorkgroups(net: BuiltNetwork): number {
  const d = net.derived;
  const expected = d.inputs.reduce((s, x) => s + (x.size * x.rate_Hz * d.dt_ms) / 1000, 0);
  return Math.max(2, Math.min(256, Math.ceil(2 * expected)));
}

export class WebGpuEngine implements Engine {
  readonly backend = 'webgpu' as const;
  readonly recorder: Recorder;
  /** Spikes per population fed to the recorder so far (benchmarks: synaptic events). */
  readonly spikesByPop: Float64Array;
  private _step = 0;
  private stopped: unknown = null;
  private readonly readbacks: Readback[];
  private next = 0;
  /** The Ctl header must be rewritten before the next submission (after an upload or a restore). */
  private needsHeader = false;
  /** The last completed step's spikers (ascending), kept for snapshots. */
  private lastSpikes: Int32Array = new Int32Array(0);
  private lost: GPUDeviceLostInfo | null = null;
  /**
   * Projections built on the device (deviceGraph.ts), those of the scheme uploaded instead and why, the
   * device builds' wall time and their largest transient buffers (bytes, freed before the run).
   */
  connectivityBuild: { device: string[]; chunked: string[]; uploaded: { name: string; reason: string }[]; device_ms: number; peakBuildBytes: number } = { device: [], chunked: [], uploaded: [], device_ms: 0, peakBuildBytes: 0 };
  /** Steps per device-wide synchronisation of the resident kernel (stepBlocks.ts) and why: summary.json meta.engine. */
  stepBlock: StepBlockFit = { steps: 1, why: '' };
  private disposed = false;
  /** Clock reading when the last submission's readback arrived (SubmitPacer). */
  private lastFinish_ms = -Infinity;

  private constructor(
    readonly net: BuiltNetwork,
    readonly gpu: GPUDevice,
    readonly device: string,
    readonly state: SimState,
    readonly schedule: Schedule,
    readonly passes: Passes | null,
    readonly fused: FusedStep | null,
    readonly resident: ResidentStep | null,
    readonly record: RecordPass,
    private readonly primeInput: InputPass | null,
    private readonly ownsDevice: boolean,
    readonly profiler: Profiler | null,
    private readonly pacer: SubmitPacer | null,
    private readonly clock: Clock,
  ) {
    this.recorder = new Recorder(net);
    this.spikesByPop = new Float64Array(net.derived.pops.length);
    this.readbacks = [0, 1].map((i) => new Readback(gpu, state.plan, i));
    const self = new WeakRef(this); // a long-lived device must not keep disposed engines alive
    void gpu.lost.then((info) => {
      const e = self.deref();
      if (e && !e.disposed) e.lost = info;
    });
  }

  /** DeviceLostError (src/engine/faults.ts) once the device is gone: resume from a checkpoint. */
  private checkLost(): void {
    if (this.lost) throw new DeviceLostError(this._step, this.lost.reason, this.lost.message);
  }

  /**
   * Builds the engine for a built network on `device` (or on an adapter it acquires, software allowed:
   * the caller asked for WebGPU). Compiles every pass, uploads the network and primes correlated input.
   */
  static async create(net: BuiltNetwork, device?: GPUDevice, opts: WebGpuEngineOptions = {}): Promise<WebGpuEngine> {
    const cb = opts.buildChunkBytes;
    if (cb !== undefined && !(cb === Infinity || (Number.isInteger(cb) && cb >= 16)))
      throw new RangeError(`buildChunkBytes = ${cb}: allowed an integer >= 16 (bytes per build chunk) or Infinity`);
    let gpu = device;
    let info = opts.adapterInfo;
    const owns = gpu === undefined;
    if (gpu === undefined) {
      const acquired = await acquireDevice({ allowSoftware: true, powerPreference: 'high-performance' });
      gpu = acquired.device;
      info = acquired.adapterInfo;
    }
    info ??= deviceAdapterInfo(gpu);
    const name = info
      ? `webgpu (${[info.description, info.vendor, info.architecture].filter(Boolean).join(', ')}${info.isSoftware ? ', software' : ''})`
      : 'webgpu (device handed in)';
    try {
      const plan = new GpuPlan(net, {
        stepsPerSubmit: opts.stepsPerSubmit ?? 1000,
        spikeWorkgroups: opts.spikeWorkgroups ?? defaultSpikeWorkgroups(net, info?.isSoftware ?? false),
        inputWorkgroups: defaultInputWorkgroups(net),
        ...(opts.splitColumns !== undefined ? { splitColumns: opts.splitColumns } : {}),
      });
      const buildPlan = planDeviceBuild(net, gpu.limits, opts.deviceBuild ?? true, name, opts.buildChunkBytes);
      const deviceBuilt = buildPlan.built;
      const state = await SimState.create(gpu, plan, name, { deviceBuilt, ...(opts.maxChunkBytes !== undefined ? { maxChunkBytes: opts.maxChunkBytes } : {}) });
      const built =
        deviceBuilt.size > 0
          ? await installDeviceGraph(state, deviceBuilt, buildPlan.chunked).catch((e: unknown) => {
              state.destroy();
              throw e;
            })
          : { ms: 0, peakBuildBytes: 0 };
      const maxT = Math.min(gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
      const rt: Threads = {
        // 256 threads per spiker row on hardware: on an NVIDIA H200 (N = 10^4, EI iSTDP) the step took
        // 22.0 us instead of 31.6 us with 64 (bench/results/gpu-h200.jsonl); software adapters keep 64.
        row: Math.min(maxT, opts.rowThreads ?? (info?.isSoftware ? WORKGROUP_SIZE : HARDWARE_ROW_THREADS)),
        neuron: Math.min(maxT, opts.neuronThreads ?? (info?.isSoftware ? 256 : WORKGROUP_SIZE)),
      };
      const choice = opts.schedule ?? 'auto';
      if (!isScheduleChoice(choice)) throw new RangeError(`schedule = ${String(choice)}: must be one of ${SCHEDULE_CHOICES.join(', ')}`);
      const profiling = Boolean(opts.profileEvery && gpu.features.has('timestamp-query'));
      const fit =
        choice === 'auto' || choice === 'resident'
          ? residentFit(plan, gpu.limits, {
              threads: opts.residentThreads ?? (info?.isSoftware ? 128 : 256),
              rowThreads: opts.rowThreads ?? (info?.isSoftware ? 32 : 32),
              maxNeurons: choice === 'resident' ? Infinity : (opts.residentMaxNeurons ?? RESIDENT_MAX_NEURONS),
              ...(opts.residentAccInStorage ? { accInStorage: true } : {}),
              profiling,
            })
          : null;
      if (choice === 'resident' && fit && !fit.ok) throw new Error(`WebGPU engine: schedule 'resident' does not fit: ${fit.why}`);
      // 'auto' on a software adapter stays fused: SwiftShader runs one workgroup on one CPU core (N = 1000
      // EI iSTDP on the 2-core dev VM: 14.4 ms per step resident, 7.0 fused; the resident module also
      // compiles for ~15 s there), so the resident schedule only pays on a GPU.
      const software = info?.isSoftware ?? false;
      const schedule: Schedule = choice === 'auto' ? (fit?.ok && !software ? 'resident' : 'fused') : choice;
      const plastic = net.derived.projections.some((p) => p.plastic && p.pre.kind === 'population');
      const input = InputPass.needed(state) ? await InputPass.create(state, rt) : null;
      const passes: Passes | null =
        schedule === 'passes'
          ? {
              input,
              neuron_update: await NeuronUpdatePass.create(state, rt),
              synapse_propagate: await SynapsePropagatePass.create(state, rt),
              plasticity_pre: plastic ? await PlasticityPrePass.create(state, rt) : null,
              plasticity_post: plastic ? await PlasticityPostPass.create(state, rt) : null,
              trace_update: await TraceUpdatePass.create(state, rt),
              advance: await AdvancePass.create(state, rt),
            }
          : null;
      const fused = schedule === 'fused' ? await FusedStep.create(state, rt) : null;
      const residentOk = schedule === 'resident' && fit?.ok === true;
      const block: StepBlockFit = opts.stepBlocksUnchecked !== undefined
        ? { steps: opts.stepBlocksUnchecked, why: `stepBlocksUnchecked = ${opts.stepBlocksUnchecked} (tests: not checked for exactness)` }
        : chooseStepBlock(opts.stepBlocks ?? 'auto', stepBlockFit(net.derived), residentOk);
      const resident = residentOk && fit?.ok ? await ResidentStep.create(state, fit.shape, block.steps) : null;
      // Bins end at steps k * binSteps - 1: one parity when binSteps is even (the pass-by-pass schedule
      // keeps both step slots equal and uses parity 0).
      const binSteps = net.derived.binSteps;
      const recordParities = schedule === 'resident' ? [] : schedule === 'passes' ? [0] : binSteps % 2 === 0 ? [1] : [0, 1];
      const record = await RecordPass.create(state, rt, recordParities);
      const profiler = profiling && schedule !== 'resident' ? new Profiler(gpu, opts.profileEvery!) : null;
      const target_ms = opts.submitTarget_ms ?? (opts.stepsPerSubmit === undefined ? DEFAULT_SUBMIT_TARGET_MS : 0);
      const pacer = target_ms > 0 ? new SubmitPacer({ target_ms, maxSteps: plan.opts.stepsPerSubmit }) : null;
      const clock = opts.clock ?? (() => performance.now());
      const engine = new WebGpuEngine(net, gpu, name, state, schedule, passes, fused, resident, record, input, owns, profiler, pacer, clock);
      engine.stepBlock = block;
      engine.connectivityBuild = { device: net.derived.projections.filter((p) => deviceBuilt.has(p.index)).map((p) => p.name), chunked: net.derived.projections.filter((p) => buildPlan.chunked.has(p.index)).map((p) => p.name), uploaded: buildPlan.uploaded, device_ms: built.ms, peakBuildBytes: built.peakBuildBytes };
      await engine.prime();
      return engine;
    } catch (e) {
      if (owns) releaseDevice(gpu);
      throw e;
    }
  }

  get step(): number {
    return this._step;
  }

  /** summary.json meta.engine: the schedule, and the resident kernel's steps per block (1: synchronised every step) and why. */
  get meta(): Readonly<Record<string, string | number | boolean>> {
    return { schedule: this.schedule, stepBlocks: this.resident?.blockSteps ?? 1, stepBlocksWhy: this.stepBlock.why };
  }

  /** The dispatches of step t in order ('record' only at the last step of a bin); `last`: of a submission. */
  stepPasses(t: number, last = false): GpuPass[] {
    const out: (GpuPass | null)[] = [];
    const binEnd = (t + 1) % this.net.derived.binSteps === 0;
    if (this.resident) {
      out.push(this.resident); // every step of the submission (and its bins) in this one dispatch
    } else if (this.fused) {
      out.push(...this.fused.passes(t, last));
      if (binEnd) out.push(this.record.at(t & 1));
    } else {
      // SCHEDULE order; 'check' has no dispatch of its own (the input pass flags an overflow, feed.ts reports it).
      const p = this.passes!;
      for (const name of SCHEDULE) {
        if (name === 'record') out.push(binEnd ? this.record.at(0) : null);
        else if (name !== 'check') out.push(p[name]);
      }
      out.push(p.advance);
    }
    return out.filter((x): x is GpuPass => x !== null);
  }

  private async prime(): Promise<void> {
    if (!this.primeInput || this.state.plan.corrThreads === 0) return;
    pushScopes(this.gpu);
    const enc = this.gpu.createCommandEncoder({ label: 'WebGpuEngine.prime' });
    const pass = enc.beginComputePass({ label: 'WebGpuEngine.prime' });
    pass.setBindGroup(0, this.state.bindGroup);
    this.primeInput.encodePrime(pass);
    pass.end();
    this.gpu.queue.submit([enc.finish()]);
    await popScopes(this.gpu, 'priming correlated input (InputPass.prime)');
  }

  /** Encodes and submits steps [start, start + n) with their readback copies. */
  private async submit(start: number, n: number): Promise<Readback> {
    const { gpu } = this;
    const prologue = this.fused ? await this.fused.prologue(start) : null;
    const rb = this.prepareSubmission(start, n);
    pushScopes(gpu);
    const enc = gpu.createCommandEncoder({ label: `WebGpuEngine.steps[${start}..${start + n - 1}]` });
    this.encodeSubmission(enc, rb, prologue, start, n);
    this.profiler?.resolve(enc);
    gpu.queue.submit([enc.finish()]);
    rb.errors = [gpu.popErrorScope(), gpu.popErrorScope()];
    rb.mapped = rb.staging.mapAsync(GPUMapMode.READ);
    this.profiler?.afterSubmit();
    return rb;
  }

  /** The queue writes before a submission of steps [start, start + n); its readback slot. */
  private prepareSubmission(start: number, n: number): Readback {
    const rb = this.readbacks[this.next]!;
    this.next = 1 - this.next;
    const { gpu, state } = this;
    if (this.needsHeader) {
      state.writeHeader(start, 0); // a step starts with empty lists
      this.needsHeader = false;
    }
    // The resident dispatch runs steps [ctl.steps[0], ctl.stopStep): queue writes and submissions run in
    // order, so this lands after the submission before it and before this one.
    if (this.resident) gpu.queue.writeBuffer(state.buffers.ctl, SimState.ctlOffset('stopStep'), Uint32Array.of(start + n));
    rb.submitted_ms = this.clock();
    return rb;
  }

  /** The commands of a submission of steps [start, start + n): the steps, then the readback copies. */
  private encodeSubmission(enc: GPUCommandEncoder, rb: Readback, prologue: GpuPass[] | null, start: number, n: number): void {
    const { state } = this;
    enc.clearBuffer(state.buffers.ctl, SimState.ctlOffset('recCount'), 4);
    if (prologue) {
      const pass = enc.beginComputePass({ label: 'WebGpuEngine.prologue' });
      pass.setBindGroup(0, state.bindGroup);
      for (const p of prologue) p.encode(pass);
      pass.end();
      enc.clearBuffer(state.buffers.ctl, SimState.ctlOffset('nEvents'), 4); // events of `start` are delivered
    }
    this.encodeSteps(enc, start, n);
    rb.encodeCopies(enc, state.buffers.ctl, state.buffers.bins, start, n);
  }

  /**
   * GpuBatch (batch.ts): the start of this engine's part of a submission shared by the networks of a
   * batch, steps [start, start + n) (the resident schedule, whose submissions need no awaited prologue):
   * the queue writes and the record counter's reset. The batch then copies the engine's buffers into its
   * packed ones, dispatches, copies them back, and calls batchEnd; it submits, sets rb.errors and maps
   * rb, then calls batchFinish.
   */
  batchBegin(enc: GPUCommandEncoder, start: number, n: number): Readback {
    this.checkLost();
    if (this.stopped) throw this.stopped;
    if (!this.resident) throw new Error(`GpuBatch: every network must run the resident schedule (this one runs '${this.schedule}')`);
    const rb = this.prepareSubmission(start, n);
    enc.clearBuffer(this.state.buffers.ctl, SimState.ctlOffset('recCount'), 4);
    return rb;
  }

  /** GpuBatch: the readback copies of this engine's part of a shared submission (after the batch's copies back). */
  batchEnd(enc: GPUCommandEncoder, rb: Readback, start: number, n: number): void {
    rb.encodeCopies(enc, this.state.buffers.ctl, this.state.buffers.bins, start, n);
  }

  /** GpuBatch: reads back and records this engine's part of a shared submission; a failure stops the engine. */
  async batchFinish(rb: Readback): Promise<void> {
    try {
      await this.finish(rb);
    } catch (e) {
      this.stopped = e;
      throw e;
    }
  }

  private encodeSteps(enc: GPUCommandEncoder, start: number, n: number): void {
    if (this.resident) {
      const pass = enc.beginComputePass({ label: 'WebGpuEngine.resident' });
      pass.setBindGroup(0, this.state.bindGroup);
      this.resident.encode(pass);
      pass.end();
      return;
    }
    let pass: GPUComputePassEncoder | null = null;
    for (let t = start; t < start + n; t++) {
      const steps = this.stepPasses(t, t === start + n - 1);
      if (this.profiler?.wants(t)) {
        pass?.end();
        pass = null;
        for (const p of steps) {
          const timed = enc.beginComputePass({ label: `WebGpuEngine.${p.name}`, timestampWrites: this.profiler.writes(p.name) });
          timed.setBindGroup(0, this.state.bindGroup);
          p.encode(timed);
          timed.end();
        }
        continue;
      }
      if (!pass) {
        pass = enc.beginComputePass({ label: 'WebGpuEngine.steps' });
        pass.setBindGroup(0, this.state.bindGroup);
      }
      for (const p of steps) p.encode(pass);
    }
    pass?.end();
  }

  /** Finds which pass a validation error came from: encodes each alone in its own error scope. */
  private async diagnose(t: number): Promise<string> {
    for (const p of this.stepPasses(t)) {
      pushScopes(this.gpu);
      const enc = this.gpu.createCommandEncoder({ label: `WebGpuEngine.diagnose.${p.name}` });
      const pass = enc.beginComputePass();
      pass.setBindGroup(0, this.state.bindGroup);
      p.encode(pass);
      pass.end();
      enc.finish();
      try {
        await popScopes(this.gpu, '');
      } catch {
        return p.name;
      }
    }
    return 'unknown (every pass validates alone)';
  }

  private async finish(rb: Readback): Promise<void> {
    const [validation, oom] = await Promise.all(rb.errors);
    const err = validation ?? oom;
    if (err) {
      await rb.read().catch(() => undefined);
      const where = `steps ${rb.start}..${rb.start + rb.steps - 1}`;
      const pass = validation ? await this.diagnose(rb.start) : 'unknown';
      throw new Error(`WebGPU ${validation ? 'validation' : 'out-of-memory'} error in pass '${pass}' (${where}): ${err.message}`);
    }
    const data = await rb.read();
    const now = this.clock();
    // GPU time of this submission: from its submit, or from the end of the one before it if later.
    this.pacer?.observe(rb.steps, now - Math.max(rb.submitted_ms, this.lastFinish_ms));
    this.lastFinish_ms = now;
    await this.profiler?.collect();
    if (data.wBad !== NO_OVERFLOW) {
      // The run halted on the GPU at that bin end, so the weight is still the offending value.
      const w = new Float32Array(1);
      await this.state.weight.read(data.wBad, w);
      data.wBadValue = w[0]!;
    }
    this.lastSpikes = feedChunk(this.state.plan, this.recorder, rb.start, rb.steps, data, (n) => (this._step = n), this.spikesByPop);
  }

  async advance(steps: number): Promise<void> {
    this.checkLost();
    if (this.stopped) throw this.stopped;
    const end = Math.min(this._step + steps, this.net.derived.nSteps);
    const per = this.state.plan.opts.stepsPerSubmit;
    const inflight: Readback[] = [];
    // The profiler's single staging buffer allows one submission in flight.
    const depth = this.profiler ? 1 : 2;
    let at = this._step;
    try {
      while (at < end) {
        const n = this.pacer ? this.pacer.next(end - at) : Math.min(per, end - at);
        inflight.push(await this.submit(at, n));
        at += n;
        if (inflight.length === depth) await this.finish(inflight.shift()!);
      }
      while (inflight.length) await this.finish(inflight.shift()!);
    } catch (e) {
      for (const rb of inflight) await rb.read().catch(() => undefined);
      // A failed map or submission on a lost device is the device loss, not an error of its own.
      await Promise.race([this.gpu.lost, new Promise((r) => setTimeout(r, 0))]);
      this.checkLost();
      this.stopped = e;
      throw e;
    }
  }

  /** The complete state at the current step boundary in the CPU engine's layout (checkpoints). */
  async snapshot(): Promise<EngineSnapshot> {
    this.checkLost();
    return gpuSnapshot(this.state, this.recorder, this._step, this.lastSpikes);
  }

  /** As snapshot(), with the plastic weights as sources read from the device by pieces (checkpoints stream them). */
  async checkpointSnapshot(): Promise<StreamedSnapshot> {
    this.checkLost();
    return gpuStreamedSnapshot(this.state, this.recorder, this._step, this.lastSpikes);
  }

  /** Restores a snapshot taken by any engine on the same spec (before advancing). */
  async restore(s: EngineSnapshot): Promise<void> {
    return this.restoreStreamed(s);
  }

  /** As restore(), the plastic weights possibly sources (a checkpoint file read by pieces): uploaded piece by piece (`opts`: gpuRestore's). */
  async restoreStreamed(s: StreamedSnapshot, opts?: Parameters<typeof gpuRestore>[3]): Promise<void> {
    this.checkLost();
    await gpuRestore(this.state, this.recorder, s, opts);
    this._step = s.step;
    this.lastSpikes = Int32Array.from((s.arrays['state.spikes'] as Int32Array | undefined)?.subarray(0, s.scalars['state.nSpikes'] ?? 0) ?? []);
    this.stopped = null;
    this.needsHeader = true;
  }

  async recordings(opts: RecordingsOptions = {}): Promise<Recordings> {
    this.checkLost();
    // Plastic weights only: copying the static ones (all J) would double host memory at N = 10^5.
    if (opts.finalWeights !== false) this.recorder.setFinalWeights(await plasticWeights(this.state));
    return this.recorder.rec;
  }

  /** The plastic weights by chunks of rows, each chunk's weights and targets read back from the device (staging of at most a piece). */
  finalWeightSources(): FinalWeightSource[] {
    this.checkLost();
    const plan = this.state.plan;
    return finalWeightSources(
      this.net,
      (proj, s0, out) => this.state.weight.read(plan.projs[proj]!.wOff + s0, out),
      (proj, s0, out) => this.state.graph.read(plan.graph.offset.post + plan.projs[proj]!.synOff + s0, out), // global indices, as the host's CSR
    );
  }

  /** Mean GPU time per pass (µs per step) from timestamp queries, when profiling. */
  passTimes(): PassTimes | null {
    return this.profiler?.times() ?? null;
  }

  // --- validation hooks: step-locked comparison with the CPU reference (test/gpu, `plasticnet validate`)

  /** Replaces the GPU state by a CPU reference state at `step` (spike list included). */
  uploadState(st: UploadableState, step: number): void {
    uploadState(this.state, st, step);
    this._step = step;
    // runPasses uses st's spike list as uploaded; advance() starts the step with empty lists.
    this.needsHeader = true;
  }

  /** The GPU state in the CPU reference's layout (spike list sorted). */
  downloadState(): Promise<GpuSnapshot> {
    return downloadState(this.state);
  }

  /**
   * Runs the named passes of the pass-by-pass schedule once, in the given order, on the current state
   * (no recording, no readback). Needs schedule 'passes'.
   */
  async runPasses(names: readonly GpuPassName[]): Promise<void> {
    const passes = this.passes;
    if (!passes) throw new Error("runPasses needs an engine created with schedule: 'passes'");
    pushScopes(this.gpu);
    const enc = this.gpu.createCommandEncoder({ label: 'WebGpuEngine.runPasses' });
    const pass = enc.beginComputePass({ label: 'WebGpuEngine.runPasses' });
    pass.setBindGroup(0, this.state.bindGroup);
    for (const name of names) {
      const p = name === 'record' ? this.record.at(0) : passes[name as keyof Passes];
      if (!p) throw new Error(`pass '${name}' is not part of this network's pass-by-pass schedule`);
      p.encode(pass);
    }
    pass.end();
    this.gpu.queue.submit([enc.finish()]);
    await this.gpu.queue.onSubmittedWorkDone();
    await popScopes(this.gpu, `running passes ${names.join(', ')}`);
  }

  dispose(): void {
    this.disposed = true;
    for (const rb of this.readbacks) rb.destroy();
    this.profiler?.destroy();
    this.state.destroy();
    if (this.ownsDevice) releaseDevice(this.gpu);
  }
}
