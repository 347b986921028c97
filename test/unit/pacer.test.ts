// SubmitPacer (src/engine/webgpu/pacer.ts): steps per submission from the measured time, on a fake
// clock: a GPU whose step costs c ms, submissions sized so that each takes about target_ms.
import { describe, expect, it } from 'vitest';
import { SubmitPacer } from '../../src/engine/webgpu/pacer.ts';

/** Drives the pacer against a simulated GPU (ms per step, possibly changing): the submission sizes. */
function drive(p: SubmitPacer, msPerStep: (k: number) => number, submissions: number): { steps: number; ms: number }[] {
  const out: { steps: number; ms: number }[] = [];
  for (let k = 0; k < submissions; k++) {
    const steps = p.next(1e9);
    const ms = steps * msPerStep(k);
    p.observe(steps, ms);
    out.push({ steps, ms });
  }
  return out;
}

describe('SubmitPacer', () => {
  it('grows at most twofold per submission up to the target, then holds near it', () => {
    const p = new SubmitPacer({ target_ms: 100, maxSteps: 100_000, initialSteps: 10 });
    const r = drive(p, () => 0.01, 20); // 10,000 steps fit 100 ms
    for (let k = 1; k < r.length; k++) expect(r[k]!.steps).toBeLessThanOrEqual(2 * r[k - 1]!.steps);
    expect(r[0]!.steps).toBe(10);
    expect(r.at(-1)!.steps).toBe(10_000);
    expect(r.at(-1)!.ms).toBeLessThanOrEqual(100);
  });

  it('shrinks at once when the GPU slows down (no submission after the slow one exceeds the target)', () => {
    const p = new SubmitPacer({ target_ms: 100, maxSteps: 100_000, initialSteps: 1000 });
    const r = drive(p, (k) => (k < 5 ? 0.05 : 5), 10); // from submission 5 on, each step costs 100x
    expect(r[5]!.ms).toBeGreaterThan(100); // the one that met the slowdown
    for (const x of r.slice(6)) expect(x.ms).toBeLessThanOrEqual(100);
    expect(r.at(-1)!.steps).toBe(20);
  });

  it('never exceeds maxSteps or what remains, never goes below 1; zero elapsed time grows', () => {
    const p = new SubmitPacer({ target_ms: 100, maxSteps: 300 });
    expect(p.next(1e9)).toBe(50);
    p.observe(50, 0);
    expect(p.steps).toBe(100);
    for (let k = 0; k < 5; k++) p.observe(p.next(1e9), 0);
    expect(p.next(1e9)).toBe(300);
    expect(p.next(7)).toBe(7);
    p.observe(300, 1e6); // a step slower than the target
    expect(p.next(1e9)).toBe(1);
  });

  it('rejects a bad target or capacity, naming the field and the allowed range', () => {
    expect(() => new SubmitPacer({ target_ms: 0, maxSteps: 10 })).toThrow(/submitTarget_ms = 0: must be a finite number > 0/);
    expect(() => new SubmitPacer({ target_ms: NaN, maxSteps: 10 })).toThrow(/submitTarget_ms = NaN/);
    expect(() => new SubmitPacer({ target_ms: 10, maxSteps: 0.5 })).toThrow(/stepsPerSubmit = 0.5: must be an integer >= 1/);
  });
});
