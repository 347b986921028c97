// Exhaustive check of the CPU engine's expF32 (src/engine/cpu/neuronUpdate.ts): for every f32 x with
// -80 < x < 80 (and a few specials) expF32(x) must equal Math.fround(Math.exp(x)) bit for bit.
//   npx tsx bench/expcheck.ts            all ~2.2e9 values (a few minutes on one core)
//   npx tsx bench/expcheck.ts --every 97 every 97th f32 bit pattern (quick)
import { expF32 } from '../src/engine/cpu/neuronUpdate.ts';

const i = process.argv.indexOf('--every');
const every = i > 0 ? Number(process.argv[i + 1]) : 1;
if (!Number.isInteger(every) || every < 1) throw new Error('--every: a positive integer');

const u = new Uint32Array(1);
const x32 = new Float32Array(u.buffer);
const f = Math.fround;

function sweep(sign: number, limitBits: number): { n: number; bad: number; firstBad: number | null } {
  let n = 0;
  let bad = 0;
  let firstBad: number | null = null;
  for (let b = 0; b < limitBits; b += every) {
    u[0] = (b | sign) >>> 0;
    const x = x32[0]!;
    if (!(x > -80 && x < 80)) continue;
    n++;
    const a = expF32(x);
    const e = f(Math.exp(x));
    if (!Object.is(a, e)) {
      bad++;
      firstBad ??= x;
    }
  }
  return { n, bad, firstBad };
}

u[0] = 0;
x32[0] = 80;
const bits80 = u[0]!;
const t0 = performance.now();
const pos = sweep(0, bits80);
const neg = sweep(0x80000000, bits80);
const specials = [NaN, Infinity, -Infinity, 80, -80, 88.7, -104, 1e10, -1e10, 0, -0].filter((x) => !Object.is(expF32(x), f(Math.exp(x))));
const n = pos.n + neg.n;
const bad = pos.bad + neg.bad;
console.log(
  `expF32 vs Math.fround(Math.exp): ${n} f32 values in (-80, 80)${every > 1 ? ` (every ${every}th bit pattern)` : ' (all)'}, ` +
    `${bad} mismatches${bad ? ` (first at x = ${pos.firstBad ?? neg.firstBad})` : ''}; specials mismatching: ${specials.length}; ` +
    `${((performance.now() - t0) / 1000).toFixed(0)} s, node ${process.version}`,
);
process.exit(bad || specials.length ? 1 : 0);
