// Pass 'trace_update' (twin of shaders/trace_update.wgsl): spikers' traces += 1, recurrent accumulators
// join their currents, then currents and traces decay by f32(1 - dt/tau) (forward Euler, as the authors).
import type { Derived } from '../../model/derive.ts';
import { FIXED_INV_SCALE } from '../../model/derive.ts';
import { RunGuardError } from '../engine.ts';
import type { CpuState } from './state.ts';
import { arenaOf } from './wasmKernels.ts';
import { joinDelayed } from './delayedPropagate.ts';

const f = Math.fround;
const I32_MAX = 2147483647;

/** Increments traces of spikers, applies recurrent input, decays currents and traces. */
export function traceUpdatePass(d: Derived, st: CpuState, step: number): void {
  const N = d.N;
  const arena = arenaOf(st.current);
  const k = arena && st.acc.buffer === arena.buffer ? arena.k : undefined;
  for (let t = 0; t < d.traces.length; t++) {
    const g = d.traces[t]!;
    const x = st.traces[t]!;
    const p = d.pops[g.pop]!;
    const lo = p.offset;
    const hi = lo + p.size;
    for (let s = 0; s < st.nSpikes; s++) {
      const i = st.spikes[s]!;
      if (i >= lo && i < hi) x[i] = f(x[i]! + 1);
    }
    const dec = g.decay;
    if (k && x.buffer === arena!.buffer) k.decay(x.byteOffset + 4 * lo, p.size, dec);
    else for (let i = lo; i < hi; i++) x[i] = f(x[i]! * dec);
  }
  const { current, acc } = st;
  if (d.delaySlots > 0) joinDelayed(d, st, step); // this step's arrivals of delayed input join acc (delayedPropagate.ts)
  for (let c = 0; c < d.channels.length; c++) {
    const ch = d.channels[c]!;
    const dec = ch.decay;
    const base = c * N;
    if (ch.kind === 'recurrent') {
      if (k) {
        const bad = k.joinDecay(current.byteOffset + 4 * base, acc.byteOffset + 8 * base, N, dec);
        if (bad >= 0) overflow(step, ch.name, bad, acc[base + bad]!);
        continue;
      }
      for (let i = base; i < base + N; i++) {
        const a = acc[i]!;
        if (a !== 0) {
          if (a > I32_MAX || a < -I32_MAX - 1) overflow(step, ch.name, i - base, a);
          current[i] = f(f(current[i]! + f(a) * FIXED_INV_SCALE) * dec);
          acc[i] = 0;
        } else current[i] = f(current[i]! * dec);
      }
    } else if (k) k.decay(current.byteOffset + 4 * base, N, dec);
    else for (let i = base; i < base + N; i++) current[i] = f(current[i]! * dec);
  }
}

function overflow(step: number, channel: string, i: number, a: number): never {
  throw new RunGuardError('overflow', step, `neuron ${i}, channel ${channel}`, a, `fixed-point input ${a} exceeds the i32 range (scale 2^20)`);
}
