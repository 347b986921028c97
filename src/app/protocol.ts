// Messages between the page and a run (Web Worker or main-thread loop).
import type { FinalResult, RunInfo, Snapshot } from '../pipeline/liveRun.ts';
import type { RunMeta } from '../output/runOutput.ts';
import type { RunResult } from '../pipeline/simulation.ts';
import type { RateMessage } from './rateRun.ts';

/** Page -> worker. */
export type ControlMessage = { type: 'start' | 'start-rate'; spec: unknown; meta: RunMeta } | { type: 'pause' } | { type: 'resume' } | { type: 'finish' };

/** Run -> page. */
export type RunMessage =
  | { type: 'info'; info: RunInfo }
  | { type: 'progress'; phase: 'build'; fraction: number; what: string }
  | { type: 'snapshot'; snap: Snapshot }
  | { type: 'done'; result: FinalResult; stoppedBy: RunResult['stoppedBy'] }
  | { type: 'error'; message: string };

/** Rate-model run -> page (src/app/rateRun.ts). */
export type { RateMessage };
