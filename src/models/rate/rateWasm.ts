// The rate engine's WebAssembly kernel (rateKernels.wat, assembled into rateKernels.wasm.ts): one instance per
// CpuRateEngine over a memory of its own that holds the rates, the transposed weights of the network being run and
// the dot products, and the noise's Philox words. Where WebAssembly (with SIMD) is missing or fails, or setRateWasm(false), the engine keeps its
// JavaScript path; the results are the same bits either way (test/unit/rateKernels.test.ts).
import { decodeBase64 } from '../../engine/cpu/wasmKernels.ts';
import { RATE_KERNELS_WASM_BASE64 } from './rateKernels.wasm.ts';

export interface RateKernels {
  /** out[i] = sum_j wt[j * nPost + i] * r[j] in f32, j ascending (byte pointers into the memory). */
  dots(wt: number, r: number, out: number, nPost: number, nPre: number): void;
  /** out[4k .. 4k + 3] = philox4x32(counter (c0, k, c2, c3), key (k0, k1)) for k < nPairs (u32, byte pointer). */
  words(out: number, nPairs: number, c0: number, c2: number, c3: number, k0: number, k1: number): void;
}

const PAGE = 65536;
let enabled = true;
let compiled: WebAssembly.Module | null | undefined;

/** Turns the rate engine's WebAssembly kernel off (engines created afterwards use the JavaScript path) or back on; for tests and benchmarks. */
export function setRateWasm(on: boolean): void {
  enabled = on;
}

function rateModule(): WebAssembly.Module | null {
  if (!enabled) return null;
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(RATE_KERNELS_WASM_BASE64)) : null;
    } catch {
      compiled = null; // no SIMD
    }
  }
  return compiled;
}

/** The kernel and zeroed f32 arrays of these lengths in its memory (16-byte aligned), or null (JavaScript path). */
export function rateKernelArrays(lengths: number[]): { k: RateKernels; arrays: Float32Array[] } | null {
  const mod = rateModule();
  if (!mod) return null;
  const bytes = lengths.reduce((s, n) => s + Math.ceil((4 * n) / 16) * 16, 0);
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > 65536) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(mod, { env: { memory } });
    let at = 0;
    const arrays = lengths.map((n) => {
      const a = new Float32Array(memory.buffer, at, n);
      at += Math.ceil((4 * n) / 16) * 16;
      return a;
    });
    return { k: instance.exports as unknown as RateKernels, arrays };
  } catch {
    return null; // e.g. address space for another memory refused
  }
}
