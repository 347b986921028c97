// The page's Stop on a rate run (src/app/rateRun.ts driveRate, the module the Web Worker and the WebGPU main-thread
// path both run): Control.finish() ends the run after the trial in flight and the page still gets a result, holding
// the completed trials only, as a SIGINT does to a CLI run (test/unit/rateStop.test.ts): summary.json `trials`,
// `trialsRequested`, `stopped`, per-trial arrays B x completed x ..., the report, and a last progress message with
// every completed trial. Control.stop() (Reset) still ends it silently.
import { describe, expect, it } from 'vitest';
import { Control } from '../../src/app/drive.ts';
import { driveRate, type RateMessage } from '../../src/app/rateRun.ts';
import { soldadoSpec } from '../../src/models/rate/presets.ts';
import { runRate } from '../../src/models/rate/run.ts';
import type { RateInit } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';
import type { RateSummary } from '../../src/models/rate/output.ts';

const u = (lo: number, hi: number): RateInit => ({ kind: 'uniform', lo, hi });
/** 2 networks of 3 E + 2 I units, 8 trials of 1.1 s (one trial per 20 000-step chunk, so a stop lands after any trial). */
const spec = () => soldadoSpec({ name: 'appstop', n: [3, 2], batch: 2, rule: 'cross-homeostatic', alphaE: 2e-3, trials: 8, trial_ms: 1100, traceTrials: [2, 7], init: [u(0.5, 2), u(0.5, 1.5), u(2, 5), u(0.3, 1)] });
const meta = { commit: 'test', date: '', host: 'node' };

/** A Control whose user presses Stop (finish) or Reset (stop) as trial `k` completes (onTrial awaits waitWhilePaused once per trial). */
class ScriptedControl extends Control {
  private seen = 0;
  constructor(private readonly k: number, private readonly act: 'finish' | 'stop' | 'none') {
    super();
  }
  override waitWhilePaused(): Promise<void> {
    if (++this.seen === this.k && this.act !== 'none') this[this.act]();
    return super.waitWhilePaused();
  }
}

/** Runs driveRate with Stop or Reset after trial k; returns every message posted. */
async function drive(k: number, act: 'finish' | 'stop' | 'none'): Promise<RateMessage[]> {
  const msgs: RateMessage[] = [];
  await driveRate(spec(), meta, new ScriptedControl(k, act), (m) => msgs.push(m));
  return msgs;
}

describe("the page's Stop on a rate run keeps the completed trials", () => {
  it('Stop after trial 3 of 8: a result of 3 trials, equal to the run straight through; the views get trial 3', async () => {
    const full = await runRate(validateRateSpec(spec()));
    const msgs = await drive(3, 'finish');
    const done = msgs.find((m) => m.type === 'rate-done');
    expect(msgs.find((m) => m.type === 'error')).toBeUndefined();
    expect(done).toBeDefined();
    if (done?.type !== 'rate-done') return;
    const r = done.result;
    const k = r.trials;
    expect(k).toBe(3);
    expect(r.stopped).toBe('stop from the page');
    const s = r.summary as RateSummary;
    expect(s.trials).toBe(k);
    expect(s.trialsRequested).toBe(8);
    expect(s.stopped).toEqual({ reason: 'stop from the page', afterTrial: k });
    // arrays: B x k x P, bit-identical to the first k trials of the full run
    const P = 2;
    const tm = r.arrays.find((a) => a.name === 'trial_mean_Hz')!;
    expect(tm.shape).toEqual([2, k, P]);
    for (let b = 0; b < 2; b++)
      expect(Array.from(tm.data.subarray(b * k * P, (b + 1) * k * P))).toEqual(Array.from(full.recordings.trialMean_Hz.subarray(b * 8 * P, (b * 8 + k) * P)));
    expect(r.reportHtml).toMatch(new RegExp(`${k} trials of 8 requested \\(stopped by stop from the page after trial ${k}\\)`));
    // the views got every completed trial: the last progress message is trial 3 (posted at the stop when the
    // 150 ms throttle had held it back)
    const prog = msgs.filter((m) => m.type === 'rate-progress');
    const lastP = prog[prog.length - 1]!;
    expect(lastP.type === 'rate-progress' && lastP.p.trial).toBe(k);
  });

  it('a run not stopped says so (stopped null, all trials); Reset (Control.stop) posts no result', async () => {
    const msgs = await drive(0, 'none');
    const done = msgs.find((m) => m.type === 'rate-done');
    expect(done?.type === 'rate-done' && [done.result.trials, done.result.stopped, (done.result.summary as RateSummary).stopped]).toEqual([8, null, null]);
    const reset = await drive(1, 'stop');
    expect(reset.filter((m) => m.type === 'rate-done' || m.type === 'error')).toEqual([]);
  });

  it('Stop before the first trial completes: a result of 0 trials (no error), summary stopped after trial 0', async () => {
    const ctl = new Control();
    ctl.finish(); // pressed while the first trial ran: the run loop stops before its next chunk
    const msgs: RateMessage[] = [];
    await driveRate(spec(), meta, ctl, (m) => msgs.push(m));
    expect(msgs.filter((m) => m.type === 'error')).toEqual([]);
    const done = msgs.find((m) => m.type === 'rate-done');
    expect(done?.type === 'rate-done' && [done.result.trials, (done.result.summary as RateSummary).stopped]).toEqual([0, { reason: 'stop from the page', afterTrial: 0 }]);
  });
});
