// GpuBatch: B independent networks (realisations with other seeds, or parameter sets of a sweep) advanced
// together on one device, one queue submission per stretch of steps (issue 19, "batches"). Each network
// is its own WebGpuEngine on the resident schedule (one workgroup, its own buffers and Recorder, so the
// recordings stay apart); a submission holds B resident dispatches, one per network, then the B readback
// copies. The dispatches touch disjoint buffers, so nothing orders them against each other; whether a
// GPU runs them side by side is up to the implementation (Dawn may still place barriers between them):
// unmeasured, as no GPU was available (bench/gpu.ts --suite issue19 prints the batch line where one is).
// A single dispatch of B workgroups would need the B networks' state packed in shared buffers with a
// per-workgroup base offset in every pass function: see docs/gpu-schedules.md "Resident schedule".
import { popScopes, pushScopes } from './simState.ts';
import { DEFAULT_SUBMIT_TARGET_MS, SubmitPacer, type Clock } from './pacer.ts';
import type { Readback } from './readback.ts';
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

  constructor(readonly engines: readonly WebGpuEngine[], o: BatchOptions = {}) {
    if (engines.length === 0) throw new RangeError('GpuBatch: engines = []: at least one network');
    const gpu = engines[0]!.gpu;
    engines.forEach((e, k) => {
      if (e.gpu !== gpu) throw new Error(`GpuBatch: network ${k} is on another device (one batch, one device)`);
      if (!e.resident) throw new Error(`GpuBatch: network ${k} runs the '${e.schedule}' schedule; a batch needs 'resident' (N = ${e.net.derived.N})`);
      if (e.step !== engines[0]!.step) throw new Error(`GpuBatch: network ${k} is at step ${e.step}, network 0 at ${engines[0]!.step}`);
    });
    this.per = Math.min(...engines.map((e) => e.state.plan.opts.stepsPerSubmit));
    const target = o.submitTarget_ms ?? DEFAULT_SUBMIT_TARGET_MS;
    this.pacer = target > 0 ? new SubmitPacer({ target_ms: target, maxSteps: this.per }) : null;
    this.clock = o.clock ?? (() => performance.now());
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
        const parts = this.engines.map((e) => e.batchEncode(enc, at, n));
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
