// Correlated input on the GPU against src/engine/cpu/input.ts, one step at a time from the same state
// (N = 500, c = 0.1, jitter 5 ms): the mother count and every copy bit are integer-exact, so the copies
// per child match exactly; a copy's delay goes through log/cos/sqrt, so it may land one slot away where
// its rounding argument lies within jitterTieSteps of an integer (test/tolerances.ts), never elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { fixedIncrement } from '../../src/engine/fixed.ts';
import { inputPass } from '../../src/engine/cpu/input.ts';
import type { CpuState } from '../../src/engine/cpu/state.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import type { DerivedInput } from '../../src/model/derive.ts';
import { philox4x32, u01open } from '../../src/rng/philox.ts';
import { STREAM } from '../../src/rng/streams.ts';
import { jitterTieSteps } from '../tolerances.ts';
import { build, cloneState, exactDiff } from './fixture.ts';
import { getTestDevice, releaseDevice } from './helpers.ts';

const f = Math.fround;

/** The copies generated at step g (as generateCorrelated): child, landing step, rounding argument. */
function copiesAt(seed: number, x: DerivedInput, g: number): { k: number; t: number; arg: number }[] {
  const w = new Uint32Array(4);
  philox4x32(w, g >>> 0, 0, x.index, 0, seed, STREAM.motherCount);
  const m = x.motherTable.draw(w[0]!);
  const out: { k: number; t: number; arg: number }[] = [];
  for (let q = 0; q < m; q++) {
    for (let k = 0; k < x.size; k++) {
      philox4x32(w, g >>> 0, k, x.index | (q << 8), 0, seed, STREAM.childCopy);
      if (w[0]! >= x.copyThreshold) continue;
      const r = f(Math.sqrt(f(-2 * f(Math.log(u01open(w[1]!))))));
      const z = f(r * f(Math.cos(f(6.2831855 * u01open(w[2]!)))));
      const arg = f(z * f(x.jitterSteps)) + 0.5;
      const d = Math.min(2 * x.delayOffset, Math.max(0, x.delayOffset + Math.floor(arg)));
      out.push({ k, t: g + d, arg });
    }
  }
  return out;
}

describe('WebGPU correlated input vs the CPU reference (N = 500, c = 0.1)', () => {
  let device: GPUDevice;
  let engine: WebGpuEngine;
  let net: BuiltNetwork;
  let start: CpuState;
  const WARMUP = 300;

  beforeAll(async () => {
    const acquired = await getTestDevice();
    device = acquired.device;
    net = build({ N: 500, T_s: 1, c: 0.1 });
    engine = await WebGpuEngine.create(net, device, { adapterInfo: acquired.adapterInfo, schedule: 'passes' });
    const cpu = new CpuEngine(net);
    await cpu.advance(WARMUP);
    start = cloneState(cpu.state);
  });

  afterAll(() => {
    engine?.dispose();
    if (device) releaseDevice(device);
  });

  it('priming fills the same ring as primeInputs (ties excepted)', async () => {
    const fresh = new CpuEngine(net).state; // primed by the constructor
    const g = await engine.downloadState(); // the engine primed its ring at creation, before any step
    const x = net.derived.inputs[0]!;
    const copies: { k: number; t: number; arg: number }[] = [];
    for (let gen = -2 * x.delayOffset; gen < 0; gen++) copies.push(...copiesAt(net.derived.spec.seed >>> 0, x, gen).filter((c) => c.t >= 0));
    expect(copies.length).toBeGreaterThan(0);
    expect(ringMismatch(x, g.ring[0]!, fresh.ring[0]!, copies)).toBe('');
  });

  it('events, accumulators and rings step by step (200 steps)', async () => {
    const d = net.derived;
    const x = d.inputs[0]!;
    const seed = d.spec.seed >>> 0;
    const q = Float64Array.from(d.projections, (p) => fixedIncrement(p.J, d.channels[p.channel]!.invTau));
    const st = cloneState(start);
    let events = 0;
    let copies = 0;
    for (let step = WARMUP; step < WARMUP + 200; step++) {
      engine.uploadState({ ...st, nSpikes: 0 }, step);
      await engine.runPasses(['input']);
      const g = await engine.downloadState();
      const cp = copiesAt(seed, x, step);
      copies += cp.length;
      // Expected events: the slot drained this step, as before the step plus this step's copies landing now.
      const L = st.ringLen[0]!;
      const want: { source: number; times: number }[] = [];
      for (let k = 0; k < x.size; k++) {
        const n = st.ring[0]![(step % L) * x.size + k]! + cp.filter((c) => c.k === k && c.t === step).length;
        if (n > 0) want.push({ source: k, times: n });
      }
      inputPass(net, st, step, q);
      const tied = cp.some((c) => c.t <= step + 1 && Math.abs(c.arg - Math.round(c.arg)) <= jitterTieSteps(x.jitterSteps));
      if (!tied) {
        expect(exactDiff(`step ${step} event sources`, g.events.map((e) => e.source), want.map((e) => e.source))).toBe('');
        expect(exactDiff(`step ${step} event counts`, g.events.map((e) => e.times), want.map((e) => e.times))).toBe('');
        expect(exactDiff(`step ${step} acc`, g.acc, st.acc)).toBe('');
        events += want.length;
      }
      expect(ringMismatch(x, g.ring[0]!, st.ring[0]!, cp)).toBe('');
      st.acc.fill(0);
    }
    console.log(`correlated input: ${copies} copies generated, ${events} events delivered in 200 steps`);
    expect(copies).toBeGreaterThan(0);
  });
});

/**
 * '' when two rings agree except for copies shifted by one slot whose rounding argument lies within the
 * tie band; else a description. Per child, the total count must agree exactly.
 */
function ringMismatch(x: DerivedInput, got: Uint16Array, want: Uint16Array, copies: { k: number; t: number; arg: number }[]): string {
  const L = got.length / x.size;
  const tie = jitterTieSteps(x.jitterSteps);
  const problems: string[] = [];
  for (let k = 0; k < x.size; k++) {
    let sg = 0;
    let sw = 0;
    const bad: number[] = [];
    for (let s = 0; s < L; s++) {
      const a = got[s * x.size + k]!;
      const b = want[s * x.size + k]!;
      sg += a;
      sw += b;
      if (a !== b) bad.push(s);
    }
    if (sg !== sw) problems.push(`child ${k}: ${sg} copies in the ring, expected ${sw}`);
    for (const s of bad) {
      const near = copies.some((c) => c.k === k && Math.abs(c.arg - Math.round(c.arg)) <= tie && [0, 1, L - 1].includes((((s - c.t) % L) + L) % L));
      if (!near) problems.push(`child ${k} slot ${s}: ${got[s * x.size + k]} copies, expected ${want[s * x.size + k]} (no copy within the tie band lands there)`);
    }
  }
  return problems.slice(0, 10).join('\n');
}
