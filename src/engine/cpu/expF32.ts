// f32(e^x) for the EIF membrane, shared by the JavaScript path (src/neurons/currentBasedFast.ts) and, through its tables,
// by the WebAssembly kernel (kernels.wat, which repeats this arithmetic operation by operation).

const f = Math.fround;

// expF32(x) === Math.fround(Math.exp(x)) for every x, about twice as fast as Math.exp in V8. For
// -80 < x < 80: y = 2^k * 2^(j/64) * p(r) with n = 64k + j = round(64 x / ln 2), r = x - n ln2/64
// (|r| <= ln2/128, Cody-Waite split) and p the degree-4 Taylor polynomial; y is within 2^-44 of e^x
// (relative), Math.exp(x) within 2^-52. If y*(1 - 2^-36) and y*(1 + 2^-36) round to the same f32, so does
// everything between them, Math.exp(x) included, and that f32 is returned; otherwise (about 1 call in
// 10^4) and outside the range, Math.exp itself is used. bench/expcheck.ts checks every f32 x in range.
export const EXP_T = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, j / 64));
export const EXP_P2 = Float64Array.from({ length: 256 }, (_, k) => Math.pow(2, k - 128));
export const INV_LN2_64 = 64 / Math.LN2;
export const LN2_64_HI = Math.fround(Math.LN2 / 64); // 24 significant bits: n * HI is exact for |n| < 2^29
export const LN2_64_LO = Math.LN2 / 64 - LN2_64_HI;
export const ROUND_SHIFT = 6755399441055744; // 1.5 * 2^52: (t + S) - S rounds t to an integer for |t| < 2^51
export const BAND_UP = 1 + 2 ** -36;
export const BAND_DN = 1 - 2 ** -36;

// The WebAssembly kernel's 4-lane path (kernels.wat exBlock) uses a finer table and a shorter polynomial:
// n = round(1024 x / ln 2), r = x - n ln2/1024 (|r| <= ln2/2048 + 2^-40), y = 2^(n >> 10) * EXP_T1024[n & 1023] *
// (1 + r (1 + r/2)); the Taylor remainder is below |r|^3/6 * e^|r| < 6.5e-12 < 2^-37 (relative), so e^x and
// Math.exp(x) lie within 2^-36 y of y, and its band test (on y's bits: every value that close rounds to f(y))
// returns exactly f(Math.exp(x)) whenever it passes (bench/expcheck.ts --wasm checks every f32 x in range).
export const EXP_T1024 = Float64Array.from({ length: 1024 }, (_, j) => Math.pow(2, j / 1024));
export const INV_LN2_1024 = 1024 / Math.LN2;
export const LN2_1024_HI = Math.fround(Math.LN2 / 1024); // 24 significant bits: n * HI is exact for |n| < 2^29
export const LN2_1024_LO = Math.LN2 / 1024 - LN2_1024_HI;

export function expF32(x: number): number {
  if (!(x > -80 && x < 80)) return f(Math.exp(x));
  const n = x * INV_LN2_64 + ROUND_SHIFT - ROUND_SHIFT;
  const r = x - n * LN2_64_HI - n * LN2_64_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  const ni = n | 0;
  const y = EXP_P2[(ni >> 6) + 128]! * EXP_T[ni & 63]! * p;
  const lo = f(y * BAND_DN);
  return lo === f(y * BAND_UP) ? lo : f(Math.exp(x));
}
