// 'bernoulli-counter' connectivity (src/network/counterRows.ts): the u32-only Bernoulli(p) rows that the
// GPU build kernel twins. Exact checks: the survival table, the binary search against a linear count,
// CSR invariants, determinism, and the default 'bernoulli' scheme untouched. Statistical checks (Z SE,
// test/tolerances.ts): out-degree and in-degree mean and variance against Binomial, and a chi-square of
// post indices over 50 bins against uniform, for p in {1e-4 (the skip table's memoryless continuation
// on most skips), 2e-3, 0.02, 0.1, 0.5, 0.9}: 6 p x 5 = 30 checks, plus 2 overlap checks.
import { describe, expect, it } from 'vitest';
import { buildProjection, hasHostWeights, type Csr } from '../../src/network/connectivity.ts';
import { counterPostInto, counterRow, counterRows, skipOf, skipTable, SKIP_TABLE_MAX } from '../../src/network/counterRows.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { derive, type DerivedProjection } from '../../src/model/derive.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { validate, SpecError } from '../../src/model/validate.ts';
import { seMean, seVar, withinZ, Z } from '../tolerances.ts';
import { estimateResources, deviceBuildBuffers } from '../../src/model/estimate.ts';

/** A projection of nPre x nPost with probability p (only the fields the builders read). */
function proj(nPre: number, nPost: number, p: number, index = 0, postOffset = 0): DerivedProjection {
  return { index, p, connectivity: 'bernoulli-counter', J: 1, pre: { kind: 'population', index: 0, size: nPre, offset: 0 }, post: { offset: postOffset, size: nPost } } as unknown as DerivedProjection;
}

function meanVar(x: ArrayLike<number>): { mean: number; v: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) s2 += (x[i]! - mean) ** 2;
  return { mean, v: s2 / (x.length - 1) };
}

function expectBinomial(deg: ArrayLike<number>, n: number, p: number, label: string): void {
  const { mean, v } = meanVar(deg);
  const vb = n * p * (1 - p);
  const mu4 = vb * (1 + 3 * (n - 2) * p * (1 - p));
  expect(withinZ(mean, n * p, seMean(vb, deg.length)), `${label}: mean ${mean} vs ${n * p}`).toBe(true);
  expect(withinZ(v, vb, seVar(vb, mu4, deg.length)), `${label}: variance ${v} vs ${vb}`).toBe(true);
}

const degreesOf = (ptr: Int32Array): Float64Array => Float64Array.from({ length: ptr.length - 1 }, (_, i) => ptr[i + 1]! - ptr[i]!);

describe('bernoulli-counter: survival table and skip search (exact)', () => {
  it.each([1e-4, 0.02, 0.1, 0.5, 0.9, 1 - 1e-12])('p = %f: T_1 = round((1-p) 2^32), non-increasing, L within [1, SKIP_TABLE_MAX]', (p) => {
    const t = skipTable(p);
    expect(t.length).toBeGreaterThanOrEqual(1);
    expect(t.length).toBeLessThanOrEqual(SKIP_TABLE_MAX);
    expect(t[0]).toBe(Math.min(Math.round((1 - p) * 2 ** 32), 2 ** 32 - 1));
    for (let s = 1; s < t.length; s++) expect(t[s]! <= t[s - 1]!, `T_${s + 1} > T_${s}`).toBe(true);
    // Where the table stops short of the cap, the next threshold would round to 0.
    if (t.length < SKIP_TABLE_MAX && t.length > 1) expect(Math.round((1 - p) ** (t.length + 1) * 2 ** 32)).toBe(0);
  });

  it('skipOf equals the linear count #{s : word < T_s} on edge and pseudo-random words', () => {
    for (const p of [1e-4, 0.1, 0.7]) {
      const t = skipTable(p);
      const words = [0, 1, 2 ** 32 - 1, 2 ** 31];
      for (const x of t.subarray(0, 64)) words.push(x, Math.max(0, x - 1), Math.min(2 ** 32 - 1, x + 1));
      let s = 0x9e3779b9;
      for (let i = 0; i < 2000; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        words.push(s);
      }
      for (const w of words) {
        let c = 0;
        for (const x of t) if (w < x) c++;
        expect(skipOf(w, t), `p ${p} word ${w}`).toBe(c);
      }
    }
  });

  it('refuses p outside (0, 1) by name', () => {
    expect(() => skipTable(0)).toThrow(/p 0 outside/);
    expect(() => skipTable(1)).toThrow(/p 1 outside/);
  });
});

describe('bernoulli-counter: degrees ~ Binomial, post indices uniform', () => {
  // [p, nPre, nPost]: about 2e4 to 5e5 synapses each.
  const cases: [number, number, number][] = [
    [1e-4, 2000, 100000],
    [2e-3, 2000, 10000],
    [0.02, 1000, 2000],
    [0.1, 1000, 1000],
    [0.5, 600, 600],
    [0.9, 400, 400],
  ];
  it.each(cases)('p = %f (%i x %i)', (p, nPre, nPost) => {
    const pr = proj(nPre, nPost, p, 3, 7);
    const c = buildProjection(0xc0ffee, pr);
    expectBinomial(degreesOf(c.rowPtr), nPost, p, `p=${p} out-degree`);
    expectBinomial(degreesOf(c.colPtr), nPre, p, `p=${p} in-degree`);
    // Chi-square of the local post index over B equal bins: E = nnz / B, df = B - 1, SD sqrt(2 df).
    const B = 50;
    const bins = new Float64Array(B);
    for (const j of c.post) bins[Math.floor(((j - 7) * B) / nPost)]!++;
    const nnz = c.post.length;
    const chi2 = bins.reduce((a, o, b) => {
      const e = (nnz * (Math.floor(((b + 1) * nPost) / B) - Math.floor((b * nPost) / B))) / nPost;
      return a + (o - e) ** 2 / e;
    }, 0);
    expect(chi2, `p=${p}: chi-square ${chi2.toFixed(1)} over ${B} bins`).toBeLessThan(B - 1 + Z * Math.sqrt(2 * (B - 1)));
  });
});

describe('bernoulli-counter: CSR, determinism and independence (exact)', () => {
  const spec = akilNetwork({ N: 1000, T_s: 0.1 });
  spec.projections = spec.projections.map((x) => ({ ...x, connectivity: 'bernoulli-counter' as const }));
  const d = derive(validate(spec));
  const net = buildNetwork(d);

  it('validates, builds rows strictly ascending within the post population, column index consistent', () => {
    for (const pr of d.projections) {
      const c: Csr = net.csr[pr.index]!;
      expect(c.rowPtr[c.nPre]).toBe(c.post.length);
      for (let k = 0; k < c.nPre; k++) {
        for (let s = c.rowPtr[k]!; s < c.rowPtr[k + 1]!; s++) {
          const j = c.post[s]!;
          if (j < pr.post.offset || j >= pr.post.offset + pr.post.size || (s > c.rowPtr[k]! && c.post[s - 1]! >= j)) throw new Error(`${pr.name} row ${k} synapse ${s}: post ${j}`);
        }
      }
      for (let j = 0; j < c.nPost; j++) for (let i = c.colPtr[j]!; i < c.colPtr[j + 1]!; i++) expect(c.post[c.colSyn[i]!]).toBe(pr.post.offset + j);
      expect(Array.from(c.weight.subarray(0, 3))).toEqual(Array(Math.min(3, c.weight.length)).fill(pr.J));
    }
  });

  it('row lengths of the count walk equal the fill walk; a rebuild is identical; another seed differs', () => {
    const pr = d.projections[0]!;
    const t = skipTable(pr.p);
    const a = counterRows(d.spec.seed, pr);
    for (let k = 0; k < 50; k++) expect(counterRow(d.spec.seed, pr, t, k)).toBe(a.rowPtr[k + 1]! - a.rowPtr[k]!);
    const b = counterRows(d.spec.seed, pr);
    expect(Buffer.from(b.post.buffer).equals(Buffer.from(a.post.buffer))).toBe(true);
    const other = counterRows(d.spec.seed + 1, pr);
    expect(Buffer.from(other.post.buffer).equals(Buffer.from(a.post.buffer))).toBe(false);
  });

  it('counterPostInto regenerates chunks of whole rows equal to the build; a wrong row pointer or short out throws', () => {
    for (const pr of d.projections) {
      const c = net.csr[pr.index]!;
      const whole = new Int32Array(c.post.length);
      counterPostInto(d.spec.seed, pr, c.rowPtr, 0, c.nPre, whole);
      expect(Buffer.from(whole.buffer).equals(Buffer.from(c.post.buffer)), pr.name).toBe(true);
      // chunks of 37 rows (the last shorter), each into its own buffer of exactly its targets
      for (let lo = 0; lo < c.nPre; lo += 37) {
        const hi = Math.min(c.nPre, lo + 37);
        const chunk = new Int32Array(c.rowPtr[hi]! - c.rowPtr[lo]!);
        counterPostInto(d.spec.seed, pr, c.rowPtr, lo, hi, chunk);
        expect(Buffer.from(chunk.buffer).equals(Buffer.from(c.post.buffer, 4 * c.rowPtr[lo]!, 4 * chunk.length)), `${pr.name} rows ${lo}..${hi}`).toBe(true);
      }
    }
    const pr = d.projections[0]!;
    const c = net.csr[0]!;
    expect(() => counterPostInto(d.spec.seed + 1, pr, c.rowPtr, 0, c.nPre, new Int32Array(c.post.length))).toThrow(/row \d+ regenerates \d+ targets, its row pointers say \d+/);
    expect(() => counterPostInto(d.spec.seed, pr, c.rowPtr, 0, 10, new Int32Array(c.rowPtr[10]! - 1))).toThrow(/rows 0\.\.10 hold \d+ targets, out has/);
  });

  it('projections of the same shape are independent (overlap fraction ~ p), and independent of the bernoulli scheme', () => {
    const p = 0.1;
    const a = buildProjection(5, proj(800, 800, p, 0));
    const b = buildProjection(5, proj(800, 800, p, 1));
    const f64 = buildProjection(5, { ...proj(800, 800, p, 0), connectivity: 'bernoulli' } as DerivedProjection);
    for (const other of [b, f64]) {
      let overlap = 0;
      for (let k = 0; k < a.nPre; k++) {
        const set = new Set(other.post.subarray(other.rowPtr[k]!, other.rowPtr[k + 1]!));
        for (let s = a.rowPtr[k]!; s < a.rowPtr[k + 1]!; s++) if (set.has(a.post[s]!)) overlap++;
      }
      const nnz = a.post.length;
      expect(withinZ(overlap / nnz, p, seMean(p * (1 - p), nnz)), `overlap ${overlap / nnz} vs ${p}`).toBe(true);
    }
  });

  it('static weights are allocated on first read (all J, then kept); plastic ones at build', () => {
    const st = buildProjection(2, proj(50, 60, 0.2));
    expect(hasHostWeights(st)).toBe(false);
    const w = st.weight;
    expect(hasHostWeights(st)).toBe(true);
    expect(w.length).toBe(st.post.length);
    expect(w.every((x) => x === 1)).toBe(true);
    expect(st.weight).toBe(w);
    const plastic = buildProjection(2, { ...proj(50, 60, 0.2), plastic: {} } as unknown as DerivedProjection);
    expect(hasHostWeights(plastic)).toBe(true);
    expect(Object.keys(st).sort()).toEqual(Object.keys(plastic).sort());
  });

  it('p = 0 builds no synapse, p = 1 every pair', () => {
    expect(buildProjection(1, proj(30, 40, 0)).post.length).toBe(0);
    const all = buildProjection(1, proj(30, 40, 1, 0, 5));
    expect(all.post.length).toBe(1200);
    expect(Array.from(all.post.subarray(0, 40))).toEqual(Array.from({ length: 40 }, (_, j) => 5 + j));
  });

  it("an unknown connectivity names the field and the allowed values", () => {
    const bad = akilNetwork({ N: 1000, T_s: 0.1 }) as unknown as { projections: { connectivity: string }[] };
    bad.projections[2]!.connectivity = 'bernouli';
    expect(() => validate(bad)).toThrow(SpecError);
    expect(() => validate(bad)).toThrow(/projections\[2\]\.connectivity.*'bernoulli', 'bernoulli-counter' or 'fixed-indegree'/s);
  });
});

describe('bernoulli-counter: resource estimate', () => {
  it('device bytes add the largest projection build (deviceBuildBuffers), nothing else changes', () => {
    const plain = validate(akilNetwork({ N: 4000, T_s: 1 }));
    const counter = structuredClone(plain);
    counter.projections = counter.projections.map((x) => ({ ...x, connectivity: 'bernoulli-counter' as const }));
    const a = estimateResources(plain);
    const b = estimateResources(counter);
    expect(a.deviceBuildBytes).toBe(0);
    // E<-E (3200 x 3200, p = 0.1, static: no columns, no weights) is the largest build.
    const ee = deviceBuildBuffers(3200, 3200, Math.round(0.1 * 3200 * 3200), false, false, 4096).reduce((x, y) => x + y.bytes, 0);
    expect(b.deviceBuildBytes).toBe(ee);
    expect(b.deviceBytes - a.deviceBytes).toBe(ee);
    expect(b.hostBytes).toBe(a.hostBytes);
    expect(b.synapses).toBe(a.synapses);
  });
});

