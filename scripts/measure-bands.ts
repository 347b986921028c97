// Measures, once, the seed-to-seed spread of what the network physics tests check (issue 25), so their bands
// come from measurement: for each case of test/unit/physicsCases.ts and each seed, the rates, their ratio to
// Eq 3 (the finite-N offset), the mean currents over their Campbell values, the balance ratios and the plastic
// weights. Writes every per-seed value and the mean / sd / min / max of each quantity to docs/bands.json; the
// bands in test/unit/bands.ts are copied from there by hand, with the date and the machine.
//   npx tsx scripts/measure-bands.ts                       cases static,istdp,kohonen, seeds 1..20 (vogels: --cases vogels)
//   npx tsx scripts/measure-bands.ts --cases static --seeds 1-4
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { measureIstdp, measureKohonen, measureStatic, measureVogels, ISTDP, KOHONEN, STATIC, VOGELS } from '../test/unit/physicsCases.ts';


function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const OUT = new URL(arg('--out', '../docs/bands.json'), import.meta.url); // merged into, case by case
const [lo, hi] = arg('--seeds', '1-20').split('-').map(Number) as [number, number];
if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= lo)) {
  console.error(`--seeds: expected A-B with integers 0 <= A <= B, got ${arg('--seeds', '')}`);
  process.exit(2);
}
const cases = arg('--cases', 'static,istdp,kohonen').split(',');
const runners: Record<string, (seed: number) => Promise<object>> = { static: measureStatic, istdp: measureIstdp, kohonen: measureKohonen, vogels: measureVogels };
for (const c of cases)
  if (!runners[c]) {
    console.error(`--cases: unknown case '${c}' (allowed: ${Object.keys(runners).join(', ')})`);
    process.exit(2);
  }

type Flat = Record<string, number>;
/** Flattens the numeric leaves of a measurement ('currentOverCampbell.E.I' -> value); arrays are skipped. */
function flatten(o: unknown, at = '', out: Flat = {}): Flat {
  if (typeof o === 'number') out[at] = o;
  else if (o && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) flatten(v, at ? `${at}.${k}` : k, out);
  return out;
}

function stats(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return { n, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

const doc = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
for (const c of cases) {
  const perSeed: object[] = [];
  for (let seed = lo; seed <= hi; seed++) {
    const m = await runners[c]!(seed);
    perSeed.push(m);
    console.log(c, JSON.stringify(flatten(m)));
  }
  const flat = perSeed.map((m) => flatten(m));
  const summary: Record<string, ReturnType<typeof stats>> = {};
  for (const k of Object.keys(flat[0]!)) if (k !== 'seed' && k !== 'wall_s') summary[k] = stats(flat.map((f) => f[k]!));
  const size = { static: STATIC, istdp: ISTDP, kohonen: KOHONEN, vogels: VOGELS }[c];
  doc[c] = {
    size,
    seeds: [lo, hi],
    date: new Date().toISOString(),
    machine: `${hostname()}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), CPU engine`,
    summary,
    perSeed,
  };
  writeFileSync(OUT, JSON.stringify(doc, null, 1) + '\n');
  console.log(`\n${c}: mean, sd, min, max over seeds ${lo}-${hi}`);
  for (const [k, s] of Object.entries(summary)) console.log(`  ${k.padEnd(28)} ${s.mean.toPrecision(5)}  sd ${s.sd.toPrecision(3)}  [${s.min.toPrecision(5)}, ${s.max.toPrecision(5)}]`);
}
