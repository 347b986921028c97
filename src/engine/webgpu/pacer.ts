// SubmitPacer: steps per queue submission bounded by time, not by a fixed count (issue 19). A browser's
// GPU watchdog resets a device whose submission runs for seconds, and a page whose GPU is busy for long
// stretches stops responding; one resident dispatch may run thousands of steps. After each submission
// the engine reports how long the GPU took for it (the time from its start, or from the end of the one
// before it, whichever is later, to its readback), and the pacer sizes the next one for target_ms:
// shrinking at once when a submission ran long, growing at most twofold per submission.

/** Milliseconds on a monotonic clock (performance.now by default; tests hand in a fake one). */
export type Clock = () => number;

export interface PacerOptions {
  /** Wall time one submission should take (ms, > 0); the default of the engine is DEFAULT_SUBMIT_TARGET_MS. */
  target_ms: number;
  /** Most steps in one submission (the engine's record capacity: stepsPerSubmit). */
  maxSteps: number;
  /** Steps of the first submission (default min(maxSteps, 50)). */
  initialSteps?: number;
}

/** Default target of one submission: well under a second (browser watchdogs act after ~2 s). */
export const DEFAULT_SUBMIT_TARGET_MS = 100;

export class SubmitPacer {
  private n: number;
  readonly target_ms: number;
  readonly maxSteps: number;

  constructor(o: PacerOptions) {
    if (!(Number.isFinite(o.target_ms) && o.target_ms > 0)) throw new RangeError(`submitTarget_ms = ${o.target_ms}: must be a finite number > 0 (ms)`);
    if (!(Number.isInteger(o.maxSteps) && o.maxSteps >= 1)) throw new RangeError(`stepsPerSubmit = ${o.maxSteps}: must be an integer >= 1`);
    const first = o.initialSteps ?? Math.min(o.maxSteps, 50);
    if (!(Number.isInteger(first) && first >= 1)) throw new RangeError(`initialSteps = ${first}: must be an integer >= 1`);
    this.target_ms = o.target_ms;
    this.maxSteps = o.maxSteps;
    this.n = Math.min(first, o.maxSteps);
  }

  /** Steps of the next submission: at most `remaining` (>= 1). */
  next(remaining: number): number {
    return Math.max(1, Math.min(this.n, remaining));
  }

  /** The current size, before clipping to what remains. */
  get steps(): number {
    return this.n;
  }

  /** A submission of `steps` steps kept the GPU busy for elapsed_ms: sizes the next one. */
  observe(steps: number, elapsed_ms: number): void {
    if (!(steps >= 1)) return;
    const grow = Math.min(this.maxSteps, 2 * this.n);
    if (!(elapsed_ms > 0)) {
      this.n = grow; // below the clock's resolution
      return;
    }
    const want = Math.floor((this.target_ms * steps) / elapsed_ms);
    this.n = Math.max(1, Math.min(grow, want));
  }
}
