// One-dimensional root finding and maximisation for the weight fixed points (pure, no dependencies).

/** A root of a scalar function with the local slope; `stable` means slope < 0 (attracting for dx/dt = f). */
export interface Root {
  x: number;
  slope: number;
  stable: boolean;
}

/**
 * All sign-change roots of f on [lo, hi]: scan `samples` intervals, bisect each bracket to `xtol`, and drop
 * brackets around poles (|f| at the limit exceeds |f| at both bracket ends) and non-finite values.
 */
export function findRoots(
  f: (x: number) => number,
  lo: number,
  hi: number,
  opts: { samples?: number; xtol?: number } = {},
): Root[] {
  const n = opts.samples ?? 2000;
  const xtol = opts.xtol ?? 1e-10 * Math.max(1, Math.abs(lo), Math.abs(hi));
  const roots: Root[] = [];
  const h = (hi - lo) / n;
  let x0 = lo;
  let f0 = f(x0);
  for (let i = 1; i <= n; i++) {
    const x1 = i === n ? hi : lo + i * h;
    const f1 = f(x1);
    if (Number.isFinite(f0) && Number.isFinite(f1)) {
      let root: number | null = null;
      if (f0 === 0) root = x0;
      else if (f0 * f1 < 0) {
        let a = x0;
        let b = x1;
        let fa = f0;
        while (b - a > xtol) {
          const m = 0.5 * (a + b);
          const fm = f(m);
          if (!Number.isFinite(fm)) break;
          if (fm === 0) {
            a = b = m;
            break;
          }
          if (fa * fm < 0) b = m;
          else {
            a = m;
            fa = fm;
          }
        }
        const m = 0.5 * (a + b);
        const fm = f(m);
        if (Number.isFinite(fm) && Math.abs(fm) <= Math.max(Math.abs(f0), Math.abs(f1))) root = m;
      }
      if (root !== null && (roots.length === 0 || Math.abs(root - roots[roots.length - 1]!.x) > 10 * xtol)) {
        const slope = derivative(f, root, Math.max(h * 1e-3, 1e-7 * Math.max(1, Math.abs(root))));
        roots.push({ x: root, slope, stable: slope < 0 });
      }
    }
    x0 = x1;
    f0 = f1;
  }
  if (Number.isFinite(f0) && f0 === 0 && (roots.length === 0 || roots[roots.length - 1]!.x !== x0)) {
    const slope = derivative(f, x0, Math.max(h * 1e-3, 1e-7));
    roots.push({ x: x0, slope, stable: slope < 0 });
  }
  return roots;
}

/** Central finite-difference derivative of f at x with step h. */
export function derivative(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** Maximum of f on [lo, hi]: grid scan with `samples` points, then golden-section refinement around the best point. */
export function maximize(
  f: (x: number) => number,
  lo: number,
  hi: number,
  opts: { samples?: number; xtol?: number } = {},
): { x: number; value: number } {
  const n = opts.samples ?? 2000;
  const xtol = opts.xtol ?? 1e-10 * Math.max(1, Math.abs(lo), Math.abs(hi));
  const h = (hi - lo) / n;
  let best = lo;
  let bestV = -Infinity;
  for (let i = 0; i <= n; i++) {
    const x = lo + i * h;
    const v = f(x);
    if (Number.isFinite(v) && v > bestV) {
      bestV = v;
      best = x;
    }
  }
  let a = Math.max(lo, best - h);
  let b = Math.min(hi, best + h);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > xtol) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const x = 0.5 * (a + b);
  const v = f(x);
  return Number.isFinite(v) && v >= bestV ? { x, value: v } : { x: best, value: bestV };
}
