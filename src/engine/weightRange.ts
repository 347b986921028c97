// The run guard 'weight-bounds' of both engines: the interval a plastic projection's weights must stay in.
import type { BuiltNetwork } from '../network/network.ts';

/** Allowed J interval of a projection's weights: clip bounds; unbounded rules keep the initial weight's sign; gate: finite. */
export function weightRangeOf(p: BuiltNetwork['derived']['projections'][number]): { lo: number; hi: number; what: string } {
  const r = p.plastic;
  if (r && r.bounded && !r.gate) return { lo: Math.fround(r.jMin), hi: Math.fround(r.jMax), what: `[${Number((r.jMin / p.jScale).toPrecision(12))}, ${Number((r.jMax / p.jScale).toPrecision(12))}] (clip bounds)` };
  // 'gate' bounds (the authors' hard Hebb) let one update overshoot a bound, then freeze: only finiteness.
  if (r && r.gate) return { lo: -Infinity, hi: Infinity, what: '(finite)' };
  if (p.J > 0) return { lo: 0, hi: Infinity, what: '[0, inf) (an excitatory projection may not change sign)' };
  if (p.J < 0) return { lo: -Infinity, hi: 0, what: '(-inf, 0] (an inhibitory projection may not change sign)' };
  return { lo: -Infinity, hi: Infinity, what: '(finite)' };
}
