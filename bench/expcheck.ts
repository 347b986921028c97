// Exhaustive check of the CPU engine's expF32 (src/engine/cpu/expF32.ts): for every f32 x with
// -80 < x < 80 (and a few specials) expF32(x) must equal Math.fround(Math.exp(x)) bit for bit. With
// --wasm, the WebAssembly kernel's copy of it (kernels.wat, exBlock with vT = 0, invDT = 1, gLdT = 1, on
// blocks of 4096 values: its 4-lane path, its lane-by-lane fallback and, on the last block, its scalar tail).
//   npx tsx bench/expcheck.ts                   all ~2.2e9 values (a few minutes on one core)
//   npx tsx bench/expcheck.ts --every 97        every 97th f32 bit pattern (quick)
//   npx tsx bench/expcheck.ts --wasm [--every k]
import { expF32 } from '../src/engine/cpu/expF32.ts';
import { KernelArena } from '../src/engine/cpu/wasmKernels.ts';

const i = process.argv.indexOf('--every');
const every = i > 0 ? Number(process.argv[i + 1]) : 1;
if (!Number.isInteger(every) || every < 1) throw new Error('--every: a positive integer');
const wasm = process.argv.includes('--wasm');

const u = new Uint32Array(1);
const x32 = new Float32Array(u.buffer);
const f = Math.fround;

// --wasm: values are batched through the kernel; expOf(x) reads the batch's result for x.
const BLOCK = 4096;
const arena = wasm ? KernelArena.create(KernelArena.bytesFor([4 * BLOCK, 4 * BLOCK])) : null;
if (wasm && !arena) throw new Error('--wasm: the WebAssembly kernels are unavailable here');
const xs = arena ? arena.alloc(Float32Array, BLOCK) : new Float32Array(0);
const ys = arena ? arena.alloc(Float32Array, BLOCK) : new Float32Array(0);
const wasmExp = (n: number): void => arena!.k.exBlock(xs.byteOffset, ys.byteOffset, n, 0, 1, 1);

function sweep(sign: number, limitBits: number): { n: number; bad: number; firstBad: number | null } {
  let n = 0;
  let bad = 0;
  let firstBad: number | null = null;
  let m = 0;
  const flush = (): void => {
    wasmExp(m);
    for (let k = 0; k < m; k++) {
      if (!Object.is(ys[k]!, f(Math.exp(xs[k]!)))) {
        bad++;
        firstBad ??= xs[k]!;
      }
    }
    m = 0;
  };
  for (let b = 0; b < limitBits; b += every) {
    u[0] = (b | sign) >>> 0;
    const x = x32[0]!;
    if (!(x > -80 && x < 80)) continue;
    n++;
    if (wasm) {
      xs[m++] = x;
      if (m === BLOCK) flush();
      continue;
    }
    const a = expF32(x);
    const e = f(Math.exp(x));
    if (!Object.is(a, e)) {
      bad++;
      firstBad ??= x;
    }
  }
  if (wasm && m > 0) flush();
  return { n, bad, firstBad };
}

function specialOk(x: number): boolean {
  if (!wasm) return Object.is(expF32(x), f(Math.exp(x)));
  xs[0] = x; // the kernel takes f32 x (88.7 becomes f(88.7))
  const e = f(Math.exp(xs[0]!));
  wasmExp(1); // scalar path
  const scalar = ys[0]!;
  xs.fill(x, 0, 4);
  wasmExp(4); // 4-lane path
  return Object.is(scalar, e) && Object.is(ys[0]!, e);
}

u[0] = 0;
x32[0] = 80;
const bits80 = u[0]!;
const t0 = performance.now();
const pos = sweep(0, bits80);
const neg = sweep(0x80000000, bits80);
const specials = [NaN, Infinity, -Infinity, 80, -80, 88.7, -104, 1e10, -1e10, 0, -0].filter((x) => !specialOk(x));
const n = pos.n + neg.n;
const bad = pos.bad + neg.bad;
console.log(
  `${wasm ? 'WebAssembly exBlock' : 'expF32'} vs Math.fround(Math.exp): ${n} f32 values in (-80, 80)${every > 1 ? ` (every ${every}th bit pattern)` : ' (all)'}, ` +
    `${bad} mismatches${bad ? ` (first at x = ${pos.firstBad ?? neg.firstBad})` : ''}; specials mismatching: ${specials.length}; ` +
    `${((performance.now() - t0) / 1000).toFixed(0)} s, node ${process.version}`,
);
process.exit(bad || specials.length ? 1 : 0);
