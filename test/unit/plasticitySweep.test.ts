// plasticityPrePass / plasticityPostPass (row and column sweeps with the per-spiker constants hoisted)
// against the plain per-synapse form they replace: applyTerm(r, term, w, xPre, xPost) on every synapse of
// every spiker's row or column. Every named rule (no weight dependence, linear dependence, gate and clip
// bounds, scaled terms), random weights (some at and beyond the bounds) and traces (some -0), random
// spikers in both populations: the weights must be bit-identical. N = 400 makes J = j / 20 exact in f32,
// so weights sit exactly on the gate and clip bounds.
import { describe, expect, it } from 'vitest';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { createState, type CpuState } from '../../src/engine/cpu/state.ts';
import { applyTerm, plasticityPostPass, plasticityPrePass } from '../../src/engine/cpu/plasticity.ts';
import { derive } from '../../src/model/derive.ts';
import * as R from '../../src/model/rules.ts';
import type { PlasticitySpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';

/** The passes as they were: applyTerm on each synapse (the reference). */
function referencePre(net: BuiltNetwork, st: CpuState, step: number): void {
  for (const pr of net.derived.projections) {
    const r = pr.plastic;
    if (!r || step < r.startStep || pr.pre.kind !== 'population') continue;
    const c = net.csr[pr.index]!;
    const w = st.weights[pr.index]!;
    const xPre = st.traces[r.preTrace]!;
    const xPost = st.traces[r.postTrace]!;
    for (let s = 0; s < st.nSpikes; s++) {
      const g = st.spikes[s]!;
      const k = g - pr.pre.offset;
      if (k < 0 || k >= pr.pre.size) continue;
      for (let y = c.rowPtr[k]!; y < c.rowPtr[k + 1]!; y++) w[y] = applyTerm(r, r.onPre, w[y]!, xPre[g]!, xPost[c.post[y]!]!);
    }
  }
}

function referencePost(net: BuiltNetwork, st: CpuState, step: number): void {
  for (const pr of net.derived.projections) {
    const r = pr.plastic;
    if (!r || step < r.startStep || pr.pre.kind !== 'population') continue;
    const c = net.csr[pr.index]!;
    const w = st.weights[pr.index]!;
    const xPre = st.traces[r.preTrace]!;
    const xPost = st.traces[r.postTrace]!;
    for (let s = 0; s < st.nSpikes; s++) {
      const g = st.spikes[s]!;
      const j = g - pr.post.offset;
      if (j < 0 || j >= pr.post.size) continue;
      for (let i = c.colPtr[j]!; i < c.colPtr[j + 1]!; i++) {
        const y = c.colSyn[i]!;
        w[y] = applyTerm(r, r.onPost, w[y]!, xPre[pr.pre.offset + c.colPre[i]!]!, xPost[g]!);
      }
    }
  }
}

const rules: Record<string, { proj: string; rule: PlasticitySpec }> = {
  hebbian: { proj: 'E<-E', rule: R.hebbian({ eta: 1e-2 }) },
  'anti-hebbian': { proj: 'E<-E', rule: R.antiHebbian({ eta: 1e-2 }) },
  'soft-hebbian': { proj: 'E<-E', rule: R.softHebbian({ eta: 1e-2, jMax: 40 }) },
  'hard-hebbian (gate)': { proj: 'E<-E', rule: R.hardHebbian({ eta: 1e-2, jMin: 10, jMax: 40 }) },
  oja: { proj: 'E<-E', rule: R.oja({ eta: 1e-2, beta: 30 }) },
  kohonen: { proj: 'E<-E', rule: R.kohonen({ eta: 1e-2, beta: 2 }) },
  'istdp-ei': { proj: 'E<-I', rule: R.homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200 }) },
  'istdp-ii': { proj: 'I<-I', rule: R.homeostaticInhibitory('istdp-ii', { eta: 1e-2, rho_Hz: 10, jNorm: -200 }) },
  'homeostatic-ie': { proj: 'I<-E', rule: R.homeostaticIE({ eta: 1e-2, rho_Hz: 10, jNorm: 200 }) },
  'vogels (clip)': { proj: 'E<-I', rule: R.vogels({ eta: 1e-2, rho_Hz: 3, wMax: 300, sign: -1 }) },
  'general (clip, odd coefficients)': {
    proj: 'E<-E',
    rule: {
      rule: 'general', tauSTDP_ms: 100, eta: 3e-3,
      onPre: { a: 0.37, bPre: -1.3, bPost: 2.1, weightDep: 'linear', jRef: 7, scaled: true },
      onPost: { a: -0.2, bPre: 0.7, bPost: -0.45, weightDep: 'none' },
      bounds: { jMin: 10, jMax: 60, mode: 'clip' },
    },
  },
};

describe('plasticity sweeps vs applyTerm per synapse', () => {
  for (const [name, { proj, rule }] of Object.entries(rules)) {
    it(`${name} on ${proj}: bit-identical weights after 40 steps of random spikes`, () => {
      const spec = validate(akilNetwork({ N: 400, T_s: 0.1, seed: 3, plastic: { [proj]: rule } }));
      const net = buildNetwork(derive(spec));
      const a = createState(net);
      const b = createState(net);
      const pi = net.derived.projections.findIndex((p) => p.plastic);
      const pr = net.derived.projections[pi]!;
      const w0 = a.weights[pi]!;
      let seed = 12345;
      const u = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const J = pr.J;
      for (let y = 0; y < w0.length; y++) {
        const r = u();
        w0[y] = r < 0.05 ? 0 : r < 0.1 ? -J : r < 0.15 ? pr.plastic!.jMin : r < 0.2 ? pr.plastic!.jMax : J * 3 * u();
      }
      b.weights[pi]!.set(w0);
      const init = Float32Array.from(w0);
      a.traces.forEach((x, t) => {
        for (let k = 0; k < x.length; k++) x[k] = u() < 0.05 ? -0 : 4 * u();
        b.traces[t]!.set(x);
      });
      for (let step = 0; step < 40; step++) {
        let n = 0;
        for (let i = 0; i < net.derived.N; i++) if (u() < 0.05) a.spikes[n++] = i;
        a.nSpikes = n;
        b.spikes.set(a.spikes);
        b.nSpikes = n;
        plasticityPrePass(net, a, step);
        referencePre(net, b, step);
        plasticityPostPass(net, a, step);
        referencePost(net, b, step);
        for (const x of a.traces) for (let k = 0; k < x.length; k++) x[k] = Math.fround(x[k]! * 0.99);
        for (const x of b.traces) for (let k = 0; k < x.length; k++) x[k] = Math.fround(x[k]! * 0.99);
      }
      const wa = new Uint8Array(a.weights[pi]!.buffer);
      const wb = new Uint8Array(b.weights[pi]!.buffer);
      let diff = -1;
      for (let k = 0; k < wa.length; k++) if (wa[k] !== wb[k]) { diff = k >> 2; break; }
      expect(diff, `first differing synapse`).toBe(-1);
      let changed = 0;
      for (let y = 0; y < init.length; y++) if (a.weights[pi]![y] !== init[y]) changed++;
      expect(changed).toBeGreaterThan(w0.length / 10); // the rule did act
    });
  }
});
