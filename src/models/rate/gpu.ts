// WebGPU twin of the rate engine: the whole batch in one dispatch of rate_step.wgsl per chunk of steps (one thread
// per network), then rate_trial.wgsl at the end of each trial. Same Philox draws and f32 order as the CPU
// reference (cpu.ts); the Box-Muller log/cos and possible FMA fusion make floats differ by bounded amounts
// (test/gpu/rate.test.ts, test/gpu/binas.test.ts). Poisson kicks and the online rule (Fig S4), Binas 2014's pattern
// inputs and continuous Eq 18 rule run here too (rate_step.wgsl).
import { readShaderFile, withPrelude } from '../../engine/webgpu/shaderSource.ts';
import { SpecError } from '../../model/validate.ts';
import type { RateModel } from './derive.ts';
import { checkRateGpuFits } from './resources.ts';
import { initialWeights } from './derive.ts';
import { rateParamsBytes, rateParamsStruct, rateParamValues, rateTable, RATE_PARAMS_BYTES } from './gpuLayout.ts';
import type { RateEngineLike, RateState } from './engine.ts';

const WORKGROUP_SIZE = 64; // shaders/common.wgsl
const STATE_REGIONS = 6;

export interface GpuRateOptions {
  stepsPerDispatch?: number; // default 2000 (keeps each dispatch short)
}

export class GpuRateEngine implements RateEngineLike {
  W: Float32Array;
  mean: Float32Array;
  avg: Float32Array;
  trial = 0;
  private readonly params: GPUBuffer;
  private readonly wBuf: GPUBuffer;
  private readonly stateBuf: GPUBuffer;
  private readonly traceBuf: GPUBuffer;
  private readonly bind: GPUBindGroup;
  private readonly step: GPUComputePipeline;
  private readonly end: GPUComputePipeline;
  private readonly values: Record<string, number>;
  private readonly chunk: number;

  constructor(private readonly device: GPUDevice, private readonly m: RateModel, o: GpuRateOptions = {}) {
    const longest = m.trialSteps + Math.max(0, ...m.kicks.map((k) => k.steps)) + 1;
    if (m.kicks.length && longest >= 2 ** 24) throw new SpecError([{ path: 'trials.duration_ms', value: m.spec.trials.duration_ms, allowed: `a trial of fewer than 2^24 steps with Poisson kicks on the WebGPU rate engine (the kick state is f32; this one needs ${longest})` }]);
    const lim = device.limits;
    checkRateGpuFits(m, lim);
    const sBytes = (STATE_REGIONS * m.B * m.U + m.B * m.kicks.length) * 4;
    this.chunk = o.stepsPerDispatch ?? 2000;
    const { table, pulseStart, blockStart, patStart, kickStart, netStart } = rateTable(m);
    if (table.byteLength > lim.maxStorageBufferBindingSize) throw new SpecError([{ path: 'trials.count', value: m.spec.trials.count, allowed: `a count whose pattern rows (trials x units x 4 bytes, ${table.byteLength} bytes in the table) fit this device's maxStorageBufferBindingSize (${lim.maxStorageBufferBindingSize} bytes)` }]);
    this.values = rateParamValues(m, pulseStart, { blockStart, patStart, kickStart, netStart });
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const mk = (label: string, data: ArrayBufferView | number, u = usage): GPUBuffer => {
      const size = Math.max(16, Math.ceil((typeof data === 'number' ? data : data.byteLength) / 16) * 16);
      const b = device.createBuffer({ label, size, usage: u, mappedAtCreation: typeof data !== 'number' });
      if (typeof data !== 'number') {
        new Uint8Array(b.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        b.unmap();
      }
      return b;
    };
    this.W = initialWeights(m);
    this.mean = new Float32Array(m.B * m.U);
    this.avg = new Float32Array(m.B * m.U);
    this.params = device.createBuffer({ label: 'RateEngine.params', size: RATE_PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const tableBuf = mk('RateEngine.table', table);
    this.wBuf = mk('RateEngine.W', this.W);
    this.stateBuf = mk('RateEngine.state', sBytes);
    this.traceBuf = mk('RateEngine.trace', Math.ceil(m.trialSteps / m.traceEvery) * m.U * 4);
    const code = withPrelude(readShaderFile('rate_common').replace(/^RATE_PARAMS_STRUCT$/m, rateParamsStruct()) + '\n' + readShaderFile('rate_step') + '\n' + readShaderFile('rate_trial'));
    const module = device.createShaderModule({ label: 'RateEngine.module', code });
    const layout = device.createBindGroupLayout({
      label: 'RateEngine.layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    const pl = device.createPipelineLayout({ label: 'RateEngine.pipelineLayout', bindGroupLayouts: [layout] });
    this.step = device.createComputePipeline({ label: 'RateEngine.step', layout: pl, compute: { module, entryPoint: 'rate_step' } });
    this.end = device.createComputePipeline({ label: 'RateEngine.trial', layout: pl, compute: { module, entryPoint: 'rate_trial' } });
    this.bind = device.createBindGroup({
      label: 'RateEngine.bind',
      layout,
      entries: [this.params, tableBuf, this.wBuf, this.stateBuf, this.traceBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  private dispatch(pipeline: GPUComputePipeline, v: Record<string, number>): void {
    this.device.queue.writeBuffer(this.params, 0, rateParamsBytes({ ...this.values, ...v }));
    const enc = this.device.createCommandEncoder({ label: 'RateEngine.encoder' });
    const pass = enc.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bind);
    const groups = Math.ceil(this.m.B / WORKGROUP_SIZE);
    const maxX = this.device.limits.maxComputeWorkgroupsPerDimension;
    pass.dispatchWorkgroups(Math.min(groups, maxX), Math.ceil(groups / maxX));
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  async runTrial(trace?: Float32Array): Promise<void> {
    const traceOn = trace ? 1 : 0;
    for (let s0 = 0; s0 < this.m.trialSteps; s0 += this.chunk) this.dispatch(this.step, { trial: this.trial, s0, s1: Math.min(this.m.trialSteps, s0 + this.chunk), traceOn });
    if (trace) trace.set(new Float32Array(await this.read(this.traceBuf, trace.byteLength)));
    this.dispatch(this.end, { trial: this.trial });
    this.trial++;
  }

  async sync(): Promise<void> {
    const m = this.m;
    this.W = new Float32Array(await this.read(this.wBuf, m.B * m.nW * 4));
    const plane = m.B * m.U * 4;
    this.avg = new Float32Array(await this.read(this.stateBuf, plane, 3 * plane));
    this.mean = new Float32Array(await this.read(this.stateBuf, plane, 4 * plane));
  }

  /** The state at a trial boundary in the CPU reference's layout (regions 0, 1, 3, 4 of the state buffer). */
  async exportState(): Promise<RateState> {
    await this.sync();
    const plane = this.m.B * this.m.U * 4;
    const r = new Float32Array(await this.read(this.stateBuf, plane, 0));
    return { W: this.W, r, ou: await this.noise(), avg: this.avg, mean: this.mean };
  }

  /**
   * Restores exportState()'s layout before trial `trial`. The CPU reference resets the rates at a trial's start,
   * this twin at the previous trial's end (rate_trial.wgsl): with trials.resetRates the rates are written as 0.
   */
  async importState(s: RateState, trial: number): Promise<void> {
    const m = this.m;
    const n = m.B * m.U;
    const state = new Float32Array(STATE_REGIONS * n + m.B * m.kicks.length); // kicks off at a trial boundary
    if (!m.spec.trials.resetRates) state.set(s.r, 0);
    state.set(s.ou, n);
    state.set(s.avg, 3 * n);
    state.set(s.mean, 4 * n);
    this.device.queue.writeBuffer(this.stateBuf, 0, state);
    const W = Float32Array.from(s.W);
    this.device.queue.writeBuffer(this.wBuf, 0, W);
    this.W = W;
    this.avg = Float32Array.from(s.avg);
    this.mean = Float32Array.from(s.mean);
    this.trial = trial;
  }

  /** The OU noise state (B x U), for tests. */
  async noise(): Promise<Float32Array> {
    const plane = this.m.B * this.m.U * 4;
    return new Float32Array(await this.read(this.stateBuf, plane, plane));
  }

  private async read(buf: GPUBuffer, size: number, offset = 0): Promise<ArrayBuffer> {
    const staging = this.device.createBuffer({ label: `RateEngine.read(${buf.label})`, size: Math.ceil(size / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(buf, offset, staging, 0, Math.ceil(size / 4) * 4);
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0, size);
    } finally {
      staging.destroy();
    }
  }

  destroy(): void {
    for (const b of [this.params, this.wBuf, this.stateBuf, this.traceBuf]) b.destroy();
  }
}
