// Bit-identity check for CPU-engine optimisations and the Akil golden checksums (cases in bitcheckCases.ts);
// the same comparison runs in npm test (test/unit/bitcheck.test.ts).
//   npx tsx bench/bitcheck.ts           compare against bench/bitcheck.reference.json (exit 1 on any difference)
//   npx tsx bench/bitcheck.ts --write   re-record it: only for a change meant to alter results (bench/README.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { cases, fingerprint, REFERENCE, type Fingerprint } from './bitcheckCases.ts';

const got: Record<string, Fingerprint> = {};
for (const [name, spec] of Object.entries(cases)) {
  const t0 = performance.now();
  got[name] = fingerprint(spec);
  console.log(name, JSON.stringify(got[name]), `${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
if (process.argv.includes('--write')) {
  writeFileSync(REFERENCE, JSON.stringify(got, null, 2) + '\n');
  console.log(`wrote ${REFERENCE.pathname}`);
} else {
  const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')) as Record<string, Fingerprint>;
  let ok = true;
  for (const name of Object.keys(cases)) {
    const a = JSON.stringify(ref[name]);
    const b = JSON.stringify(got[name]);
    if (a !== b) {
      ok = false;
      console.log(`MISMATCH ${name}\n  reference ${a}\n  now       ${b}`);
    }
  }
  console.log(ok ? 'BIT-IDENTICAL: spike counts per neuron, V, currents, traces and weights match the reference' : 'NOT IDENTICAL');
  process.exit(ok ? 0 : 1);
}
