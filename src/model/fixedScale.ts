// The fixed-point scale of synaptic input accumulators (a leaf module: the synapse models and the
// WebAssembly kernels import it without importing derive.ts, which imports their registries).

/** Fixed-point scale of synaptic input accumulators: increments are round(J/tau * 2^20) in i32. */
export const FIXED_SCALE = 1048576;
/** 2^-20: a fixed-point accumulator times this is its f32 input. */
export const FIXED_INV_SCALE = 1 / FIXED_SCALE;
