// The run loop shared by the CPU worker and the main-thread WebGPU path: build, then advance in chunks,
// emitting a snapshot after each, until done, a guard fires, or it is stopped; pausing parks the loop.
import type { Engine } from '../engine/engine.ts';
import type { BuiltNetwork } from '../network/network.ts';
import { LiveRun } from '../pipeline/liveRun.ts';
import type { RunMeta } from '../output/runOutput.ts';
import { PreparedRun } from '../pipeline/session.ts';
import type { RunMessage } from './protocol.ts';

/** Pause/stop flags the loop checks between chunks. */
export class Control {
  paused = false;
  stopped = false;
  /** Stop with results: the run ends after the trials (chunk) in flight and reports what completed (rate runs). */
  finishRequested = false;
  private wake: (() => void) | null = null;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
  finish(): void {
    this.finishRequested = true;
    this.wake?.();
  }
  /** Resolves when resumed, stopped or asked to finish. */
  waitWhilePaused(): Promise<void> {
    return this.paused && !this.stopped && !this.finishRequested ? new Promise((r) => (this.wake = () => ((this.wake = null), r()))) : Promise.resolve();
  }
}

/** Lets queued messages and UI events run (a macrotask, without setTimeout's 4 ms clamp). */
export function macrotask(): Promise<void> {
  const ch = new MessageChannel();
  return new Promise((r) => {
    ch.port1.onmessage = () => (ch.port1.close(), r());
    ch.port2.postMessage(0);
  });
}

/**
 * Runs spec on the engine `makeEngine` builds, posting info, snapshots and the final result (or an error)
 * through `post`. Transferables of snapshots are listed so a worker can hand them over without copying.
 */
export async function drive(
  specIn: unknown,
  meta: RunMeta,
  makeEngine: (net: BuiltNetwork) => Promise<Engine>,
  ctl: Control,
  post: (m: RunMessage, transfer: Transferable[]) => void,
): Promise<void> {
  let engine: Engine | null = null;
  try {
    const prepared = PreparedRun.of(specIn);
    const { net, build_s } = prepared.build(undefined, (fraction, what) => post({ type: 'progress', phase: 'build', fraction, what }, []));
    engine = await makeEngine(net);
    const run = new LiveRun(prepared.spec, net, engine, build_s);
    post({ type: 'info', info: run.info }, []);
    while (!run.done && !ctl.stopped) {
      await ctl.waitWhilePaused();
      if (ctl.stopped) break;
      await run.advance();
      const snap = await run.snapshot();
      post({ type: 'snapshot', snap }, [snap.rate_Hz.buffer, snap.currents.buffer, snap.jMean.buffer, snap.rasterSteps.buffer, snap.rasterIds.buffer]);
      await macrotask();
    }
    if (ctl.stopped) return;
    const result = await run.finish(meta);
    post({ type: 'done', result, stoppedBy: run.stoppedBy }, result.arrays.map((a) => a.data.buffer));
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) }, []);
  } finally {
    engine?.dispose();
  }
}
