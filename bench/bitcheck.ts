// Bit-identity check for CPU-engine optimisations: runs akilNetwork({N: 2000, T_s: 2}) (static) and
// fig3IstdpEi at N = 2000, T = 2 s (EI iSTDP) and fingerprints per-neuron spike counts over the whole
// run, final membrane potentials, currents, traces and plastic weights (FNV-1a over the raw bytes).
//   npx tsx bench/bitcheck.ts --write   record bench/bitcheck.reference.json (before optimising)
//   npx tsx bench/bitcheck.ts           compare against it (exit 1 on any difference)
import { readFileSync, writeFileSync } from 'node:fs';
import { buildNetwork } from '../src/network/network.ts';
import { CpuEngine } from '../src/engine/cpu/CpuEngine.ts';
import { derive } from '../src/model/derive.ts';
import type { NetworkSpec } from '../src/model/spec.ts';
import { validate } from '../src/model/validate.ts';
import { akilNetwork } from '../src/presets/akil2021.ts';
import { fig3IstdpEi } from '../src/presets/akilFigures.ts';

const REF = new URL('./bitcheck.reference.json', import.meta.url);

function fnv(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const withNT = (s: NetworkSpec, N: number, T_s: number): NetworkSpec => ({ ...s, N, T_s, recording: { ...s.recording, statsStart_s: 0 } });

const cases: Record<string, NetworkSpec> = {
  'akil-static N2000 T2': withNT(akilNetwork({ N: 2000, T_s: 2 }), 2000, 2),
  'fig3IstdpEi N2000 T2': withNT(fig3IstdpEi(), 2000, 2),
};

interface Fingerprint {
  totalSpikes: number;
  spikeCounts: string;
  v: string;
  current: string;
  traces: string;
  weights: string;
}

function run(spec: NetworkSpec): Fingerprint {
  const net = buildNetwork(derive(validate(spec)));
  const eng = new CpuEngine(net);
  const counts = new Uint32Array(net.derived.N);
  const st = eng.state;
  for (let s = 0; s < net.derived.nSteps; s++) {
    eng.stepOnce();
    for (let k = 0; k < st.nSpikes; k++) counts[st.spikes[k]!]!++;
  }
  return {
    totalSpikes: counts.reduce((a, b) => a + b, 0),
    spikeCounts: fnv(counts),
    v: fnv(st.v),
    current: fnv(st.current),
    traces: fnv(...st.traces),
    weights: fnv(...st.weights),
  };
}

const got: Record<string, Fingerprint> = {};
for (const [name, spec] of Object.entries(cases)) {
  const t0 = performance.now();
  got[name] = run(spec);
  console.log(name, JSON.stringify(got[name]), `${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
if (process.argv.includes('--write')) {
  writeFileSync(REF, JSON.stringify(got, null, 2) + '\n');
  console.log(`wrote ${REF.pathname}`);
} else {
  const ref = JSON.parse(readFileSync(REF, 'utf8')) as Record<string, Fingerprint>;
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
