// rate_common.wgsl: bindings and helpers of the rate-network passes (rate_step.wgsl, rate_trial.wgsl), prepended
// after common.wgsl and rng.wgsl by src/models/rate/gpu.ts. One thread per network of the batch. The RateParams
// struct is generated from RATE_PARAMS in src/models/rate/gpuLayout.ts (inserted where RATE_PARAMS_STRUCT is).
// State regions (f32, each B x U, index (region * B + b) * U + i): 0 rates, 1 OU noise, 2 window sum,
// 3 cross-trial average, 4 trial mean, 5 scratch (new rates of a population; rectified averages in the rule).
// table (u32): per population 12 words (offset, n, ontoStart, ontoCount, k, gain, threshold, rateMax, ouA, ouS,
// drive, setpoint as f32 bits); then the incoming-block list, 4 words per block (wOff, preOffset, nPre, sign + 1);
// then the pulses, 4 words each (pop, first, last, amp bits).

RATE_PARAMS_STRUCT

@group(0) @binding(0) var<uniform> P: RateParams;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> trace: array<f32>;

const POP_WORDS: u32 = 12u;

fn st(region: u32, b: u32, i: u32) -> u32 {
  return (region * P.B + b) * P.U + i;
}
fn popU(p: u32, k: u32) -> u32 {
  return table[p * POP_WORDS + k];
}
fn popF(p: u32, k: u32) -> f32 {
  return bitcast<f32>(table[p * POP_WORDS + k]);
}
// Standard normal by Box-Muller (cos branch) from two words: the twin of normalFromWords (src/rng/dist.ts).
fn normal_from_words(w1: u32, w2: u32) -> f32 {
  return sqrt(-2.0 * log(u01open(w1))) * cos(6.283185307179586 * u01open(w2));
}
