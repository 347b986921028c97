// The tolerance policy of the unit tests (STYLE.md §8 item 8), in one place.
//
// 1. Integer paths (Philox words, mulhi32, Poisson table draws, CSR arrays, spike counts) are exact:
//    they are compared with toBe / toEqual, never with a tolerance, and have no entry here.
// 2. Float paths that are deterministic (f32 Euler decay, f32 membrane update) are compared either
//    exactly against an independent f32 recomputation, or against the continuous-time answer within a
//    bound derived from the forward-Euler discretisation (functions below, each with its derivation).
// 3. Statistical checks compare a sample statistic with its expectation within Z standard errors,
//    where the standard error (SE) is computed from the distribution under test (helpers below).
//    Every statistical test uses a fixed seed, so the outcome is deterministic; the bound states how
//    rarely a *correct* implementation would fail for an arbitrary seed.

/**
 * Standard errors allowed for every statistical check. A two-sided normal tail beyond 5 SE has
 * probability 5.7e-7. The unit tests make about 190 statistical checks in all (rng 26,
 * connectivity 47, input 113, counted in each file's header), so by Bonferroni a correct
 * implementation fails some check for fewer than 1.1e-4 of seeds, while every bug the tests target
 * moves its statistic by tens to thousands of SE.
 */
export const Z = 5;

/** SE of a sample mean of n i.i.d. values with variance v. */
export function seMean(v: number, n: number): number {
  return Math.sqrt(v / n);
}

/**
 * SE of a sample variance of n i.i.d. values with variance v and fourth central moment mu4:
 * Var(s^2) = (mu4 - v^2)/n + O(1/n^2).
 */
export function seVar(v: number, mu4: number, n: number): number {
  return Math.sqrt((mu4 - v * v) / n);
}

/** |x - expected| <= Z * se; callers pass a message naming the quantity to expect(..., msg).toBe(true). */
export function withinZ(x: number, expected: number, se: number): boolean {
  return Math.abs(x - expected) <= Z * se;
}

/**
 * SE of the mean pairwise sample correlation of n independent count series over K windows.
 * Each pair's sample correlation has variance 1/K under independence, and estimates for different
 * pairs are uncorrelated (E[r_ij r_ik] = 0 when all three series are independent), so the mean over
 * n(n-1)/2 pairs has SE 1/sqrt(K n(n-1)/2).
 */
export function seMeanCorrIndependent(n: number, K: number): number {
  return 1 / Math.sqrt((K * n * (n - 1)) / 2);
}

/**
 * Expected pairwise spike-count correlation of the jittered mother-process input (SPEC §2.3) in
 * windows of T: each child copies each mother spike with probability c and shifts it by N(0, s^2).
 * Counts are Poisson (var = rT) and cov = r_m c^2 * integral F(t)^2 dt, where F(t) = P(t + xi in the
 * window); the two window edges each lose s/sqrt(pi) of the integral, so
 *   rho = c * (1 - 2 s / (sqrt(pi) T)).
 * For c = 0.1, s = 5 ms, T = 250 ms this is 0.0977 (the finite-window correction is -2.3 %). The
 * rounding of the delay to whole steps and its clipping at +-4 s change rho by < 1e-4.
 */
export function expectedInputCorrelation(c: number, jitter_ms: number, window_ms: number): number {
  return c * (1 - (2 * jitter_ms) / (Math.sqrt(Math.PI) * window_ms));
}

/**
 * SE of the mean pairwise correlation of the correlated input over K windows. The pairs share the
 * mother, so the estimate is dominated by the sample variance of the common component: the copied
 * mother count per window is ~ c * Poisson(lambda_m), lambda_m = r_m T, whose sample variance has
 * relative SE sqrt((2 + 1/lambda_m)/K) (Poisson: mu4 - var^2 = lambda + 2 lambda^2). Two smaller
 * terms are added linearly (conservative): the independent per-pair noise 1/sqrt(K pairs), and the
 * noise of the count variances that normalise the covariances, c sqrt(2/(K n)).
 * For c = 0.1, r = 10 Hz, T = 250 ms, K = 800, n = 50: 0.0050 + 0.0010 + 0.0007 = 0.0068; over 12
 * seeds the observed spread of the estimate was 0.0060 (mean 0.0999 vs expected 0.0977).
 */
export function seMeanCorrCorrelated(c: number, rate_Hz: number, window_ms: number, K: number, n: number): number {
  const lambdaM = (rate_Hz / c) * (window_ms / 1000);
  const common = c * Math.sqrt((2 + 1 / lambdaM) / K);
  const pairNoise = seMeanCorrIndependent(n, K);
  const normalisation = c * Math.sqrt(2 / K / n);
  return common + pairNoise + normalisation;
}

/**
 * Forward-Euler decay against the exponential: (1 - x)^n = exp(n log(1 - x)) with x = dt/tau, and
 * n log(1 - x) = -n x - n x^2/2 - ..., so the relative deviation from exp(-n x) is at most
 * 1 - exp(-n x^2 / (2 (1 - x))) <= n x^2 / (2 (1 - x)) = t dt / (2 tau^2 (1 - x)).
 * The f32 rounding of the decay factor (relative 2^-24) and of each product (half an ulp per step)
 * add at most n * 2^-23 relative. This is the bound of Auryn's test_EulerTrace (1e-3) made explicit.
 */
export function eulerDecayRelBound(n: number, dt_ms: number, tau_ms: number): number {
  const x = dt_ms / tau_ms;
  return (n * x * x) / (2 * (1 - x)) + n * 2 ** -23;
}

/**
 * Interspike interval of a neuron driven by a constant current, forward Euler with step dt, against
 * the exact first-passage time T = integral_{V_re}^{V_th} dV / f(V) (f > 0 on the path). Two parts:
 *   - discretisation: one Euler step advances V by dt f(V), which the exact flow covers in
 *     dt - dt^2 f'(V)/2 + O(dt^3); summed over the path, T_euler = T + delta + O(dt^2) with
 *     delta = (dt/2) integral f'(V(t)) dt = (dt/2) ln(f(V_th) / f(V_re));
 *   - quantisation: the spike is detected at the first step with V >= V_th, so the simulated ISI is
 *     ceil(T_euler / dt) dt, in [T_euler, T_euler + dt).
 * Bound: |ISI - T| <= dt + 2 |delta|, the factor 2 covering the O(dt^2) remainder (largest in the
 * last step before an EIF spike, where f grows by ~e^(dt f / Delta_T) per step). For the Akil EIF at
 * I0 = 2 mV/ms: T = 17.06 ms, delta = 0.078 ms at dt = 0.1 ms, bound 0.26 ms (observed 0.14 ms).
 */
export function eulerIsiBound(dt_ms: number, fThresh: number, fReset: number): number {
  return dt_ms + 2 * Math.abs((dt_ms / 2) * Math.log(fThresh / fReset));
}

/**
 * One f32 forward-Euler membrane step against the same step in f64: six f32 roundings (leak, exponent
 * argument, exponential, sum, times dt, add to V); once scaled by the factors applied after it
 * (g_L Delta_T dt <= 0.007 for the exponential, dt = 0.1 for the drive) each is at most half an ulp of
 * |V|, so at most 3 ulp of V; we allow 4 ulp of f32 at |V| (2^-18 mV for 32 <= |V| < 64).
 */
export const F32_STEP_ULPS = 4;

/**
 * Convergence of a first-order method: a 10x smaller dt must shrink the largest ISI error over the
 * current axis at least 3x (ideal 10x; the quantisation to whole steps makes single errors erratic,
 * e.g. an LIF case that lands 0.004 ms from T at both dt, so the check takes the maximum over cases).
 */
export const EULER_CONVERGENCE_FACTOR = 3;

// ------------------------------------------------------------------------------------------------
// WebGPU engine against the CPU reference (test/gpu). Integer outputs (input events, spike lists,
// fixed-point accumulators, refractory counts, ring contents, spike trains of the short runs) are
// compared exactly. Float state is compared one pass at a time from the same uploaded state, within
// bounds derived from WGSL's accuracy rules (WGSL spec, "Floating Point Accuracy"; CTS fp_primer):
//   - x + y, x - y, x * y are correctly rounded but either neighbour of the exact result may be
//     returned, so each operation may differ from the reference by 1 ulp of its result;
//   - a * b + c may be fused (one rounding fewer): covered by the same 1 ulp per operation;
//   - exp(x): 3 + 2|x| ULP; log(x): 2^-21 absolute on [0.5, 2]; cos(x): 2^-11 absolute on [-pi, pi].
// The reference rounds each operation to nearest (Math.fround), and some of its constants are f64
// (plasticity coefficients a, bPre, bPost, 1/jRef) where the GPU holds their f32 rounding (2^-24
// relative each).

/** Spacing of f32 numbers in the binade of |x| (2^-149 at 0): one ulp. */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * One membrane step v' = v + dtC * ((sum_c I_c + gL (eL - v)) + gLdT exp((v - vT) / DeltaT)), bound on
 * |v'_gpu - v'_cpu| from the same v and currents: 1 ulp for each of the nCh - 1 current additions (at
 * the scale of sum |I_c|), 2 for the leak, exp's 3 + 2|x| ULP plus 2 ulp of x amplified by exp'
 * (|x| 2^-22 relative) plus 1 for the product by gLdT, 1 for each of the two sums, 1 for the product
 * by dt (all scaled by dtC), and 1 for the final addition.
 */
export function vStepBound(p: { vn: number; sumAbsI: number; nCh: number; leak: number; ex: number; x: number; s1: number; s2: number; dtC: number }): number {
  const exErr = (3 + 2 * Math.abs(p.x) + 1) * ulp32(p.ex) + Math.abs(p.ex) * Math.abs(p.x) * 2 ** -22;
  const inner = (p.nCh - 1) * ulp32(p.sumAbsI) + 2 * ulp32(p.leak) + exErr + ulp32(p.s1) + ulp32(p.s2);
  return ulp32(p.vn) + p.dtC * inner + ulp32(p.dtC * p.s2);
}

/** Current join (a * 2^-20 is exact; one addition) then decay (one product): 2 ulp of the result. */
export const CURRENT_STEP_ULPS = 2;

/** Trace: +1 for a spiker (one addition) then decay (one product): 2 ulp of the result. */
export const TRACE_STEP_ULPS = 2;

/**
 * One plasticity term w' = w + (eta f(w)) (a + bPre x_pre + bPost x_post): the drive's 4 operations
 * and 3 f64 constants cost at most 7 * 2^-24 of S = |a| + |bPre x_pre| + |bPost x_post| (cancellation
 * makes this absolute, not relative to the drive); f(w) = w / jRef, eta f and the product add 4 * 2^-24
 * relative of dw (1/jRef's f32 rounding included); the final addition 1 ulp of w'. Doubled for slack
 * against a clipped bound landing on the other side.
 */
export function weightStepBound(p: { wn: number; etaF: number; S: number; dw: number }): number {
  return 2 * (ulp32(p.wn) + Math.abs(p.etaF) * p.S * 7 * 2 ** -24 + Math.abs(p.dw) * 4 * 2 ** -24);
}

/**
 * Correlated input: a copy's delay is floor(z * jitterSteps + 0.5) with z = sqrt(-2 log u1) cos(2 pi u2).
 * WGSL bounds cos to 2^-11 absolute (on [-pi, pi]; the angle lies in [0, 2 pi), which real adapters
 * range-reduce) and r = sqrt(-2 log u1) <= sqrt(48 ln 2) = 5.77 for u1 >= 2^-24, so z may move by
 * 5.77 * 2^-11 and the rounding argument by jitterSteps times that (0.14 steps at 50 steps); log's
 * 2^-21 and sqrt's 2.5 ULP add < 1 % of it. A copy whose CPU argument lies within this of an integer
 * may land one slot away on a conforming GPU; every other copy must land exactly.
 */
export function jitterTieSteps(jitterSteps: number): number {
  return 1.01 * jitterSteps * Math.sqrt(48 * Math.LN2) * 2 ** -11;
}

/**
 * Long runs, WebGPU vs CPU reference (same network, input and seed): the trajectories agree until a
 * float tie flips a threshold crossing and are then two realisations of the same balanced dynamics, so
 * their statistics over [statsStart, T] may differ by sampling noise only. A mean over n values whose
 * spread is sd differs between two realisations by sqrt(2) sd / sqrt(n) (SE of a difference); allowed:
 * Z of those. For a population rate the values are its 100 ms bin rates (fluctuations of the balanced
 * state decorrelate within a few tau_syn, well inside one bin); for the CV, the neurons' CVs.
 */
export function realisationTolerance(values: ArrayLike<number>): number {
  const x = Array.from(values).filter(Number.isFinite);
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return Z * Math.SQRT2 * (sd / Math.sqrt(n));
}

/**
 * Mean plastic weight at the end of a long run: its drift over the run is proportional to the rates
 * (EI iSTDP: dj/dt ~ -eta j/jNorm r_i (2 tauSTDP r_e - alpha)), so two realisations whose rates differ by
 * a relative relRate drift by amounts that differ by at most ~2 relRate of the drift (both factors);
 * plus the f32 block sums' rounding (1e-6 relative).
 */
export function weightDriftTolerance(jStart: number, jEnd: number, relRate: number): number {
  return 2 * relRate * Math.abs(jEnd - jStart) + 1e-6 * Math.abs(jEnd);
}

/**
 * One conductance-based LIF step (neuronUpdateCond.ts) v' = v + dtC ((gL (eL - v) + syn) + iBg) with
 * syn = sum_c g_c (E_c - v), bound on |v'_gpu - v'_cpu| from the same v and conductances (1 ulp per
 * operation, any fusion covered): for each channel 1 ulp of (E_c - v) scaled by g_c, 1 of the product and
 * 1 of the partial sum; gL times 1 ulp of (eL - v), 1 of the leak, 1 of each of the two sums (all scaled
 * by dtC), 1 of the product by dtC and 1 of the final addition. No transcendental: the bound is a few
 * ulp of V (about 2^-18 mV near -55 mV).
 */
export function condVStepBound(p: { vn: number; channels: { g: number; d: number; prod: number; partial: number }[]; gL: number; dL: number; leak: number; s1: number; s2: number; dtC: number }): number {
  let inner = p.gL * ulp32(p.dL) + ulp32(p.leak) + ulp32(p.s1) + ulp32(p.s2);
  for (const c of p.channels) inner += Math.abs(c.g) * ulp32(c.d) + ulp32(c.prod) + ulp32(c.partial);
  return ulp32(p.vn) + p.dtC * inner + ulp32(p.dtC * p.s2);
}

/**
 * One step of a rate-modulating signal x' = u - (u - x) decay (inputModulated.ts; u = u01 - 1/2 exact on
 * both sides): decay times 1 ulp of (u - x), 1 ulp of the product, 1 ulp of the result.
 */
export function signalStepBound(p: { xn: number; diff: number; decay: number }): number {
  return p.decay * ulp32(p.diff) + ulp32(p.diff * p.decay) + ulp32(p.xn);
}

/**
 * A Poisson source spikes iff u01(word) < p with p = pBase + pGain max(0, x) (two operations, 1 ulp each
 * on the GPU, pGain times the signal's own difference). u01 is exact (multiples of 2^-24), so a draw can
 * only flip when it lies within this band of the reference's p; such draws are counted and left out.
 */
export function sourceProbabilityBand(p: { prob: number; pGain: number; xErr: number }): number {
  return 2 * ulp32(p.prob) + p.pGain * p.xErr;
}

/**
 * Final weight of a synapse of an additive rule (Vogels iSTDP) after a whole run with identical spike
 * trains: each of its `updates` (spikes of its pre and post neurons) may differ by weightStepBound's
 * share (1 ulp of the new weight, the drive's roundings: at most 3 ulp of w' for small dw), plus |eta|
 * times the difference of the trace it reads. A trace's per-step difference (2 ulp, TRACE_STEP_ULPS) is
 * damped by the decay each step, so it stays below 2 ulp(xMax) / (1 - decay) = 2 ulp(xMax) tau/dt. An
 * additive update passes earlier differences through unchanged, so they add: updates times both.
 * Seen on an H200 (FMA in the update): 1 ulp on a few synapses; SwiftShader: exact.
 */
export function weightRunBound(p: { w: number; updates: number; eta: number; xMax: number; tauSteps: number }): number {
  return p.updates * (3 * ulp32(p.w) + Math.abs(p.eta) * 2 * ulp32(p.xMax) * p.tauSteps);
}
