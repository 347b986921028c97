// Bridge from a NetworkSpec to the mean-field description of the theory module (SPEC §2.7, Eq 1).
import type { NetworkSpec } from '../../model/spec.ts';
import type { MeanFieldNetwork } from '../index.ts';

/**
 * The mean-field network of a spec; inputs whose activeWindow_s excludes time `at_s` get rate 0.
 * Plastic projections use `j` overrides (post<-pre → j) when given, else their initial j.
 */
export function specToMeanField(spec: NetworkSpec, opts: { at_s?: number; j?: Record<string, number> } = {}): MeanFieldNetwork {
  const pops = spec.populations.map((p) => p.name);
  const ins = spec.inputs.map((x) => x.name);
  const zeros = (n: number, m: number) => Array.from({ length: n }, () => new Array<number>(m).fill(0));
  const p = zeros(pops.length, pops.length);
  const j = zeros(pops.length, pops.length);
  const px = zeros(pops.length, ins.length);
  const jx = zeros(pops.length, ins.length);
  for (const pr of spec.projections) {
    const a = pops.indexOf(pr.post);
    const jj = opts.j?.[`${pr.post}<-${pr.pre}`] ?? pr.j;
    const b = pops.indexOf(pr.pre);
    if (b >= 0) {
      p[a]![b] = pr.p;
      j[a]![b] = jj;
    } else {
      const k = ins.indexOf(pr.pre);
      px[a]![k] = pr.p;
      jx[a]![k] = jj;
    }
  }
  const at = opts.at_s;
  return {
    q: spec.populations.map((x) => x.fraction),
    qx: spec.inputs.map((x) => x.fraction),
    p,
    j,
    px,
    jx,
    rx_Hz: spec.inputs.map((x) => {
      const w = x.activeWindow_s;
      if (w && at !== undefined && (at < w.start_s || at >= w.stop_s)) return 0;
      if (w && at === undefined) return 0;
      return x.rate_Hz;
    }),
  };
}
