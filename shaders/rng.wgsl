// rng.wgsl: Philox4x32-10 (Salmon et al. 2011, Random123) with u32 arithmetic only (WGSL has no
// 64-bit integers). Bit-identical twin of src/rng/philox.ts; test/gpu/rng.test.ts checks it.
// random = philox4x32(counter = (c0, c1, c2, c3), key = (seed, stream)).

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

// High 32 bits of the 64-bit product a * b, exact, from 16-bit halves (every partial product fits u32).
fn philox_mulhi(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let lolo = a_lo * b_lo;
  let lohi = a_lo * b_hi;
  let hilo = a_hi * b_lo;
  let hihi = a_hi * b_hi;
  let mid = (lolo >> 16u) + (lohi & 0xffffu) + (hilo & 0xffffu);
  return hihi + (lohi >> 16u) + (hilo >> 16u) + (mid >> 16u);
}

fn philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var x = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = philox_mulhi(PHILOX_M0, x.x);
    let lo0 = PHILOX_M0 * x.x; // u32 multiplication wraps: the low word
    let hi1 = philox_mulhi(PHILOX_M1, x.z);
    let lo1 = PHILOX_M1 * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return x;
}

// u32 -> [0, 1): top 24 bits times 2^-24 (exact in f32; equals u01() in src/rng/philox.ts).
fn u01(w: u32) -> f32 {
  return f32(w >> 8u) * 5.9604644775390625e-8;
}

// u32 -> (0, 1]: (top 24 bits + 1) * 2^-24, safe for log(); equals u01open() in src/rng/philox.ts.
fn u01open(w: u32) -> f32 {
  return f32((w >> 8u) + 1u) * 5.9604644775390625e-8;
}
