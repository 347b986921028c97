// The CPU engine's WebAssembly kernels (kernels.wat, assembled into kernels.wasm.ts): one instance per
// state, over a memory of its own that holds the state's typed arrays, so the kernels work in place.
// Where WebAssembly is missing or fails (compilation, memory allocation), createState allocates ordinary
// typed arrays and the passes take their JavaScript paths; the results are the same bits either way.
import { FIXED_INV_SCALE } from '../../model/fixedScale.ts';
import { BAND_DN, BAND_UP, EXP_P2, EXP_T, EXP_T1024, INV_LN2_1024, INV_LN2_64, LN2_1024_HI, LN2_1024_LO, LN2_64_HI, LN2_64_LO, ROUND_SHIFT } from './expF32.ts';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.wasm.ts';

interface KernelExports {
  neurons(
    v: number, refr: number, cur: number, acc: number, spk: number,
    N: number, nCh: number, inTab: number, nIn: number, ex: number, start: number, end: number, nSpk: number,
    gL: number, eL: number, gLdT: number, vT: number, invDT: number, dtC: number, vTh: number, vRe: number, refSteps: number,
  ): number;
  decay(x: number, n: number, dec: number): void;
  joinDecay(cur: number, acc: number, n: number, dec: number): number;
  exBlock(v: number, ex: number, n: number, vT: number, invDT: number, gLdT: number): void;
  noise(out: number, seed: number, stream: number, step: number, start: number, n: number): void;
  propagate(spk: number, nSpk: number, lo: number, hi: number, rowPtr: number, post: number, acc: number, q: number): void;
  pairRow(desc: number, y0: number, y1: number, F: number, xFrom: number, spiked: number, pending: number, prop: number, pre: number): void;
}

/** Memory layout (kernels.wat's header): expF32's tables, the input-channel table, the neuron kernel's
 *  scratch (f32 x 256: one block's exponential terms), the constants, the 4-lane exponential's table, then the arrays. */
const TABLES_BYTES = 2560;
/** Room for this many input channels' offsets (i32), rewritten before each neuron kernel call. */
export const MAX_INPUT_CHANNELS = 64;
const IN_TAB = TABLES_BYTES;
const EX_SCRATCH = IN_TAB + 4 * MAX_INPUT_CHANNELS;
/** f32 elements of the neuron kernels' scratch (one block). */
export const EX_SCRATCH_LENGTH = 256;
const CONSTS = EX_SCRATCH + 4 * EX_SCRATCH_LENGTH; // = 3840, hard-coded in kernels.wat
/** The constants table at CONSTS + 16 k, k = 0 .. 19 (kernels.wat): f64 in both lanes, except k = 12, 13 (i32 x 4). */
const F64_CONSTS: [number, number][] = [
  [0, -80], [1, 80], [2, INV_LN2_64], [3, ROUND_SHIFT], [4, LN2_64_HI], [5, LN2_64_LO], [6, 1 / 6], [7, 1 / 24],
  [8, BAND_DN], [9, BAND_UP], [10, 1], [11, 0.5], [14, FIXED_INV_SCALE], [15, 2147483647], [16, -2147483648],
  [17, INV_LN2_1024], [18, LN2_1024_HI], [19, LN2_1024_LO],
];
const I32_CONSTS: [number, number][] = [[12, 128], [13, 63]];
/** EXP_T1024 (f64 x 1024) after the constants: 4160, hard-coded in kernels.wat. */
const EXP_T1024_AT = CONSTS + 16 * 20;
const FIRST_ARRAY = EXP_T1024_AT + 8 * 1024;
const ALIGN = 16;
const PAGE = 65536;

type TypedCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** A memory with the kernels instantiated on it, and a bump allocator for the state arrays. */
export class KernelArena {
  readonly k: KernelExports;
  readonly buffer: ArrayBuffer;
  /** Int32 view of the input-channel table (element offsets c * N), at byte offset IN_TAB. */
  readonly inTab: Int32Array;
  readonly inTabPtr = IN_TAB;
  readonly exPtr = EX_SCRATCH;
  /** f32 view of the scratch at exPtr (EX_SCRATCH_LENGTH elements: one neuron block's values). */
  readonly exScratch: Float32Array;
  private next = FIRST_ARRAY;

  private constructor(readonly memory: WebAssembly.Memory, instance: WebAssembly.Instance, fill = true) {
    this.k = instance.exports as unknown as KernelExports;
    this.buffer = memory.buffer as ArrayBuffer;
    this.inTab = new Int32Array(this.buffer, IN_TAB, MAX_INPUT_CHANNELS);
    this.exScratch = new Float32Array(this.buffer, EX_SCRATCH, EX_SCRATCH_LENGTH);
    arenas.set(this.buffer, this);
    if (!fill) return;
    new Float64Array(this.buffer, 0, 256).set(EXP_P2);
    new Float64Array(this.buffer, 2048, 64).set(EXP_T);
    new Float64Array(this.buffer, EXP_T1024_AT, 1024).set(EXP_T1024);
    for (const [k, c] of F64_CONSTS) new Float64Array(this.buffer, CONSTS + 16 * k, 2).fill(c);
    for (const [k, c] of I32_CONSTS) new Int32Array(this.buffer, CONSTS + 16 * k, 4).fill(c);
  }

  /** Bytes an arena needs for arrays of these byte sizes. */
  static bytesFor(sizes: number[]): number {
    return sizes.reduce((s, b) => s + alignUp(b), FIRST_ARRAY);
  }

  /**
   * An arena of `bytes` (see bytesFor), or null when WebAssembly is unavailable, disabled or fails. `shared`:
   * its memory is a SharedArrayBuffer that the engine's worker threads attach to (src/engine/cpu/threads).
   */
  static create(bytes: number, shared = false): KernelArena | null {
    const mod = kernelModule(shared);
    if (!mod) return null;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > 65536) return null;
    try {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, ...(shared ? { shared: true } : {}) });
      const instance = new WebAssembly.Instance(mod, { env: { memory, exp: Math.exp } });
      return new KernelArena(memory, instance);
    } catch {
      return null; // e.g. address space for another memory refused: ordinary arrays then
    }
  }

  /** The kernels on a shared memory that another thread's arena created and filled (no allocation from it). */
  static attach(memory: WebAssembly.Memory): KernelArena | null {
    const mod = kernelModule(true);
    if (!mod) return null;
    try {
      return new KernelArena(memory, new WebAssembly.Instance(mod, { env: { memory, exp: Math.exp } }), false);
    } catch {
      return null;
    }
  }

  /** A zeroed typed array of `length` elements in this arena's memory (16-byte aligned). */
  alloc<T>(ctor: TypedCtor<T>, length: number): T {
    const bytes = length * ctor.BYTES_PER_ELEMENT;
    if (this.next + bytes > this.buffer.byteLength) throw new Error(`KernelArena: ${bytes} bytes do not fit`);
    const a = new ctor(this.buffer, this.next, length);
    this.next += alignUp(bytes);
    return a;
  }
}

const alignUp = (b: number): number => Math.ceil(b / ALIGN) * ALIGN;

const arenas = new WeakMap<ArrayBufferLike, KernelArena>();

/** The arena whose memory holds `a` (byte offsets into it are then a.byteOffset), if any. */
export function arenaOf(a: ArrayBufferView): KernelArena | undefined {
  return arenas.get(a.buffer);
}

let enabled = true;
let compiled: WebAssembly.Module | null | undefined;
let compiledShared: WebAssembly.Module | null | undefined;

/** Turns the WebAssembly kernels off (states created afterwards use ordinary arrays) or back on; for tests. */
export function setWasmKernels(on: boolean): void {
  enabled = on;
}

/** The compiled kernels module (`shared`: its twin on a shared memory), or null when WebAssembly is unavailable, disabled or fails to compile. */
export function kernelModule(shared = false): WebAssembly.Module | null {
  if (!enabled) return null;
  if (shared) {
    if (compiledShared === undefined) {
      try {
        compiledShared = typeof WebAssembly === 'object' && typeof SharedArrayBuffer === 'function' ? new WebAssembly.Module(decodeBase64(KERNELS_SHARED_WASM_BASE64)) : null;
      } catch {
        compiledShared = null;
      }
    }
    return compiledShared;
  }
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
