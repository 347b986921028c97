// Golden checksums of short conductance-based runs on the CPU reference (STYLE §14, Auryn's coba checksums):
// FNV-1a of every spike (step, neuron), the final V and conductances. They pin the f32 expression order of
// the cond_lif update, the kick of 1, the Philox counters of the signals and sources and the schedule, so a
// refactor or micro-optimisation of the CPU passes that changes any bit fails here (and the WGSL twin, which
// must match these streams, is then out of step). Update the constants only for an intended model change.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { vogelsAssembly, vogelsSingle } from '../../src/presets/vogels2011.ts';

function fnv(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h;
}

function fingerprint(spec: NetworkSpec): { spikes: number; hash: string } {
  const eng = new CpuEngine(buildNetwork(derive(validate(spec))));
  const st = eng.state;
  const pair = new Int32Array(2);
  let h = 0x811c9dc5;
  let n = 0;
  for (let s = 0; s < eng.net.derived.nSteps; s++) {
    eng.stepOnce();
    for (let k = 0; k < st.nSpikes; k++) {
      pair[0] = s;
      pair[1] = st.spikes[k]!;
      h = fnv(h, new Uint8Array(pair.buffer));
      n++;
    }
  }
  for (const a of [st.v, st.current, st.signal, ...st.weights]) h = fnv(h, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return { spikes: n, hash: h.toString(16).padStart(8, '0') };
}

describe('golden checksums of conductance-based runs (CPU reference)', () => {
  it('single neuron with 1000 modulated sources and iSTDP, 0.5 s', () => {
    expect(fingerprint(vogelsSingle({ T_s: 0.5, startAt_s: 0.1, eta: 1e-2 }))).toEqual(GOLDEN.single);
  });
  it('assembly network N = 500 (cond LIF, iSTDP on three projections, windowed cue input), 0.3 s', () => {
    expect(fingerprint(vogelsAssembly({ N: 500, T_s: 0.3, plasticFrom_s: 0.1, wIE0_nS: 2.5, cue: { start_s: 0.1, stop_s: 0.2, rate_Hz: 100, j_nS: 0.5 } }))).toEqual(GOLDEN.assembly);
  });
});

const GOLDEN = {
  single: { spikes: 16227, hash: 'b914655b' },
  assembly: { spikes: 5341, hash: 'e74f0485' },
};
