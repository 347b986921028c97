// Least-squares fits for the N-scaling analysis: straight line with standard errors and a Student-t
// confidence interval, the log-log slope of a statistic vs N on cell means, and a finite-size
// extrapolation r(N) = r_inf + a / sqrt(N).

/** Straight-line fit y = intercept + slope * x with its uncertainty. */
export interface LineFit {
  n: number; // points used
  slope: number;
  intercept: number;
  /** Standard error of the slope (NaN when n < 3: no residual degrees of freedom). */
  slopeSe: number;
  interceptSe: number;
  dof: number; // n - 2
  /** Two-sided confidence interval of the slope at `level` (t-distribution with dof degrees of freedom). */
  ci: [number, number];
  level: number;
  tCrit: number;
  r2: number;
}

/** Natural log of the gamma function (Lanczos, g = 7, 9 terms; relative error < 1e-13 for x > 0). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz; Numerical Recipes betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student-t cumulative distribution function with dof degrees of freedom. */
export function studentTCdf(t: number, dof: number): number {
  const x = dof / (dof + t * t);
  const tail = 0.5 * incompleteBeta(x, dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of the Student-t distribution (bisection on the CDF to 1e-12), e.g. studentTQuantile(0.975, 2) = 4.3027. */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p = ${p} must lie in (0, 1)`);
  if (!(dof > 0)) throw new RangeError(`studentTQuantile: dof = ${dof} must be > 0`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Ordinary least squares y = a + b x with the slope's Student-t confidence interval (default 95%). */
export function fitLine(x: readonly number[], y: readonly number[], level = 0.95): LineFit {
  if (x.length !== y.length) throw new RangeError('fitLine: x and y differ in length');
  const n = x.length;
  if (n < 2) throw new RangeError(`fitLine: need at least 2 points, got ${n}`);
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) throw new RangeError('fitLine: all x are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const dof = n - 2;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i]! - intercept - slope * x[i]!) ** 2;
  const s2 = dof > 0 ? rss / dof : NaN;
  const slopeSe = Math.sqrt(s2 / sxx);
  const interceptSe = Math.sqrt(s2 * (1 / n + (mx * mx) / sxx));
  const tCrit = dof > 0 ? studentTQuantile(0.5 + level / 2, dof) : NaN;
  return {
    n,
    slope,
    intercept,
    slopeSe,
    interceptSe,
    dof,
    ci: [slope - tCrit * slopeSe, slope + tCrit * slopeSe],
    level,
    tCrit,
    r2: syy > 0 ? 1 - rss / syy : 1,
  };
}

/** Log-log slope of a statistic vs N on cell means: the fit, the means used, and the points left out. */
export interface ScalingFit extends LineFit {
  N: number[]; // distinct N, ascending, with a usable mean
  mean: number[]; // mean over realizations at each N
  count: number[]; // realizations averaged at each N
  excluded: { N: number; mean: number; reason: string }[];
}

/**
 * Fits log(mean C) = a + slope * log(N): values are first averaged over the realizations (seeds) at each N
 * ("cell means"), then N with a non-positive or non-finite mean are left out (log undefined) and reported.
 */
export function logLogSlope(N: readonly number[], values: readonly number[], level = 0.95): ScalingFit {
  if (N.length !== values.length) throw new RangeError('logLogSlope: N and values differ in length');
  const groups = new Map<number, number[]>();
  N.forEach((n, i) => {
    const v = values[i]!;
    if (!Number.isFinite(v)) return;
    const g = groups.get(n) ?? [];
    g.push(v);
    groups.set(n, g);
  });
  const Ns: number[] = [];
  const mean: number[] = [];
  const count: number[] = [];
  const excluded: ScalingFit['excluded'] = [];
  for (const n of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(n)!;
    const m = g.reduce((s, v) => s + v, 0) / g.length;
    if (!(m > 0) || !(n > 0)) {
      excluded.push({ N: n, mean: m, reason: m > 0 ? 'N <= 0' : 'mean <= 0 (log undefined)' });
      continue;
    }
    Ns.push(n);
    mean.push(m);
    count.push(g.length);
  }
  if (Ns.length < 2) throw new RangeError(`logLogSlope: need at least 2 sizes with a positive mean, got ${Ns.length}`);
  const fit = fitLine(Ns.map(Math.log), mean.map(Math.log), level);
  return { ...fit, N: Ns, mean, count, excluded };
}

/** Finite-size extrapolation r(N) = rInf + a / sqrt(N) (least squares on 1/sqrt(N)); value at N_target with its SE. */
export function extrapolateInvSqrtN(
  N: readonly number[],
  values: readonly number[],
  N_target: number,
): { rInf: number; a: number; atTarget: number; atTargetSe: number; fit: LineFit } {
  const fit = fitLine(N.map((n) => 1 / Math.sqrt(n)), values);
  const x0 = 1 / Math.sqrt(N_target);
  const xs = N.map((n) => 1 / Math.sqrt(n));
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sxx = xs.reduce((s, v) => s + (v - mx) ** 2, 0);
  const s2 = fit.slopeSe ** 2 * sxx; // residual variance
  const atTargetSe = Math.sqrt(s2 * (1 / xs.length + (x0 - mx) ** 2 / sxx));
  return { rInf: fit.intercept, a: fit.slope, atTarget: fit.intercept + fit.slope * x0, atTargetSe, fit };
}
