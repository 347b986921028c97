// Connectivity from the seed (src/network/connectivity.ts, src/network/network.ts): degree statistics of
// Bernoulli and fixed in-degree projections, exact CSR and column-index invariants, seed determinism,
// independence of projections, initial weights J = j/sqrt(N) in f32.
// Axes: the six Akil projections at N = 2000 (E 1600, I 400, X 400); p in {0.02, 0.1, 0.5} on E<-E;
// connectivity in {bernoulli, fixed-indegree}. Controls: p = 0 (no synapse) and p = 1 (all pairs).
// Statistical checks: 6 projections x 4 (Bernoulli) + 2 p x 4 + 6 x 2 (fixed out-degree) + 2 overlap
// + 1 v0 mean = 47 checks at Z SE (test/tolerances.ts).
import { describe, expect, it } from 'vitest';
import { buildProjection, type Csr } from '../../src/network/connectivity.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { derive, type Derived, type DerivedProjection } from '../../src/model/derive.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { seMean, seVar, withinZ } from '../tolerances.ts';

const N = 2000;
const base = (): NetworkSpec => akilNetwork({ N, T_s: 1 });
const d0 = derive(base());
const net0 = buildNetwork(d0);

/** Derived network with every projection's connectivity and (optionally) p replaced. */
function variant(connectivity: 'bernoulli' | 'fixed-indegree', p?: number, seed?: number): Derived {
  const s = base();
  s.projections = s.projections.map((pr) => ({ ...pr, connectivity, ...(p !== undefined ? { p } : {}) }));
  if (seed !== undefined) s.seed = seed;
  return derive(s);
}

/** Degrees from a pointer array (rowPtr: out-degree of each pre; colPtr: in-degree of each post). */
function degrees(ptr: Int32Array): Float64Array {
  const out = new Float64Array(ptr.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = ptr[i + 1]! - ptr[i]!;
  return out;
}

/** Element-wise equality of two typed arrays (vitest's deep toEqual is slow on 10^5 elements). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function meanVar(x: Float64Array): { mean: number; v: number } {
  let s = 0;
  for (const a of x) s += a;
  const mean = s / x.length;
  let s2 = 0;
  for (const a of x) s2 += (a - mean) ** 2;
  return { mean, v: s2 / (x.length - 1) };
}

/** Checks sample mean and variance of degrees against Binomial(n, p) over `count` i.i.d. units. */
function expectBinomialDegrees(deg: Float64Array, n: number, p: number, label: string): void {
  const { mean, v } = meanVar(deg);
  const q = 1 - p;
  const vb = n * p * q;
  const mu4 = vb * (1 + 3 * (n - 2) * p * q);
  expect(withinZ(mean, n * p, seMean(vb, deg.length)), `${label}: mean ${mean} vs ${n * p}`).toBe(true);
  expect(withinZ(v, vb, seVar(vb, mu4, deg.length)), `${label}: variance ${v} vs ${vb}`).toBe(true);
}

/** Exact CSR + column-index invariants; returns nothing, fails on the first violation with its location. */
function expectCsrInvariants(c: Csr, pr: DerivedProjection, sortedRows: boolean): void {
  const nnz = c.post.length;
  const lo = pr.post.offset;
  const hi = lo + pr.post.size;
  expect(c.nPre).toBe(pr.pre.size);
  expect(c.nPost).toBe(pr.post.size);
  expect(c.rowPtr.length).toBe(c.nPre + 1);
  expect(c.colPtr.length).toBe(c.nPost + 1);
  expect(c.rowPtr[0]).toBe(0);
  expect(c.rowPtr[c.nPre]).toBe(nnz);
  expect(c.colPtr[0]).toBe(0);
  expect(c.colPtr[c.nPost]).toBe(nnz);
  expect(c.weight.length).toBe(nnz);
  expect(c.colSyn.length).toBe(nnz);
  expect(c.colPre.length).toBe(nnz);
  const problems: string[] = [];
  for (let k = 0; k < c.nPre && problems.length < 5; k++) {
    if (c.rowPtr[k + 1]! < c.rowPtr[k]!) problems.push(`rowPtr decreases at ${k}`);
    for (let s = c.rowPtr[k]!; s < c.rowPtr[k + 1]!; s++) {
      const j = c.post[s]!;
      if (j < lo || j >= hi) problems.push(`row ${k} synapse ${s}: post ${j} outside [${lo}, ${hi})`);
      if (s > c.rowPtr[k]! && sortedRows && !(c.post[s - 1]! < j)) problems.push(`row ${k} not strictly ascending at ${s}`);
    }
  }
  // Column index: colSyn is a permutation of the synapse ids, and each entry maps back to (pre, post).
  const seen = new Uint8Array(nnz);
  for (let j = 0; j < c.nPost && problems.length < 5; j++) {
    if (c.colPtr[j + 1]! < c.colPtr[j]!) problems.push(`colPtr decreases at ${j}`);
    for (let i = c.colPtr[j]!; i < c.colPtr[j + 1]!; i++) {
      const s = c.colSyn[i]!;
      const k = c.colPre[i]!;
      if (s < 0 || s >= nnz || seen[s]) {
        problems.push(`colSyn[${i}] = ${s} out of range or repeated`);
        continue;
      }
      seen[s] = 1;
      if (c.post[s] !== lo + j) problems.push(`colSyn[${i}] = ${s} has post ${c.post[s]}, column ${lo + j}`);
      if (!(k >= 0 && k < c.nPre && c.rowPtr[k]! <= s && s < c.rowPtr[k + 1]!)) problems.push(`colPre[${i}] = ${k} does not own synapse ${s}`);
      // Strictly ascending pre within a column: no duplicate (pre, post) pair.
      if (i > c.colPtr[j]! && !(c.colPre[i - 1]! < k)) problems.push(`column ${j}: pre ${k} repeated or unsorted at ${i}`);
    }
  }
  expect(problems).toEqual([]);
}

/**
 * Two projections of the same shape drawn independently: given A's synapses, each is also in B with
 * probability p (Bernoulli), or K/nPre (fixed in-degree, where the per-post overlap is hypergeometric,
 * with a smaller variance than the binomial SE used here), so overlap / nnz_A ~ p within Z SE.
 */
function expectIndependent(a: Csr, b: Csr, p: number): void {
  expect(a.nPre).toBe(b.nPre);
  expect(a.nPost).toBe(b.nPost);
  let overlap = 0;
  for (let k = 0; k < a.nPre; k++) {
    const set = new Set(b.post.subarray(b.rowPtr[k]!, b.rowPtr[k + 1]!));
    for (let s = a.rowPtr[k]!; s < a.rowPtr[k + 1]!; s++) if (set.has(a.post[s]!)) overlap++;
  }
  const nnz = a.post.length;
  expect(withinZ(overlap / nnz, p, seMean(p * (1 - p), nnz)), `overlap fraction ${overlap / nnz} vs ${p}`).toBe(true);
}

describe('Bernoulli connectivity: degree statistics (Akil N = 2000, p = 0.1)', () => {
  it.each(d0.projections.map((p) => [p.name, p.index] as const))('%s: in-degree and out-degree ~ Binomial', (name, i) => {
    const pr = d0.projections[i]!;
    const c = net0.csr[i]!;
    expect(pr.connectivity).toBe('bernoulli');
    // Each post receives each pre independently with probability p: in-degree ~ Bin(nPre, p) i.i.d.
    // over posts; likewise out-degree ~ Bin(nPost, p) i.i.d. over pres.
    expectBinomialDegrees(degrees(c.colPtr), pr.pre.size, pr.p, `${name} in-degree`);
    expectBinomialDegrees(degrees(c.rowPtr), pr.post.size, pr.p, `${name} out-degree`);
  });

  it.each([0.02, 0.5])('E<-E with p = %f: in- and out-degree ~ Binomial', (p) => {
    const d = variant('bernoulli', p);
    const pr = d.projections[0]!;
    const c = buildProjection(d.spec.seed, pr);
    expectBinomialDegrees(degrees(c.colPtr), pr.pre.size, p, `p=${p} in-degree`);
    expectBinomialDegrees(degrees(c.rowPtr), pr.post.size, p, `p=${p} out-degree`);
    expectCsrInvariants(c, pr, true);
  });

  it('controls: p = 0 gives no synapse, p = 1 gives every (pre, post) pair exactly once', () => {
    const d0p = variant('bernoulli', 0);
    const c0 = buildProjection(d0p.spec.seed, d0p.projections[1]!);
    expect(c0.post.length).toBe(0);
    expectCsrInvariants(c0, d0p.projections[1]!, true);
    const d1 = variant('bernoulli', 1);
    const pr = d1.projections[3]!; // I<-I: 400 x 400
    const c1 = buildProjection(d1.spec.seed, pr);
    expect(c1.post.length).toBe(pr.pre.size * pr.post.size);
    expect(Array.from(degrees(c1.colPtr)).every((x) => x === pr.pre.size)).toBe(true);
    expectCsrInvariants(c1, pr, true);
  });

  it('projections of the same shape (E<-I and E<-X, 400 -> 1600) are drawn independently', () => {
    expectIndependent(net0.csr[1]!, net0.csr[4]!, 0.1);
  });
});

describe('CSR and column index invariants', () => {
  it.each(d0.projections.map((p) => [p.name, p.index] as const))('%s (Bernoulli): rows sorted, posts in range, column index consistent', (_n, i) => {
    expectCsrInvariants(net0.csr[i]!, d0.projections[i]!, true);
  });
});

describe('fixed in-degree connectivity', () => {
  const df = variant('fixed-indegree');
  const csrF = df.projections.map((pr) => buildProjection(df.spec.seed, pr));

  it.each(df.projections.map((p) => [p.name, p.index] as const))('%s: every post has exactly K = round(p nPre) distinct pres', (_n, i) => {
    const pr = df.projections[i]!;
    const c = csrF[i]!;
    const K = Math.round(pr.p * pr.pre.size);
    const deg = degrees(c.colPtr);
    const wrong = Array.from(deg).findIndex((x) => x !== K);
    expect(wrong, `post ${wrong} has in-degree ${deg[wrong]}, want ${K}`).toBe(-1);
    expect(c.post.length).toBe(K * pr.post.size);
    expectCsrInvariants(c, pr, false); // includes: no duplicate pre per post
  });

  it.each(df.projections.map((p) => [p.name, p.index] as const))('%s: out-degree ~ Binomial(nPost, K/nPre) (each post picks each pre with probability K/nPre)', (name, i) => {
    const pr = df.projections[i]!;
    const K = Math.round(pr.p * pr.pre.size);
    expectBinomialDegrees(degrees(csrF[i]!.rowPtr), pr.post.size, K / pr.pre.size, `${name} out-degree`);
  });

  it('projections of the same shape (E<-I and E<-X) are drawn independently', () => {
    expectIndependent(csrF[1]!, csrF[4]!, Math.round(0.1 * 400) / 400);
  });

  it('control: p = 1 gives every pre to every post', () => {
    const d1 = variant('fixed-indegree', 1);
    const pr = d1.projections[3]!;
    const c = buildProjection(d1.spec.seed, pr);
    expect(Array.from(degrees(c.rowPtr)).every((x) => x === pr.post.size)).toBe(true);
    expectCsrInvariants(c, pr, false);
  });
});

describe('determinism and weights', () => {
  it('the same seed gives identical arrays; a different seed gives different ones', () => {
    const again = buildNetwork(derive(base()));
    for (let i = 0; i < d0.projections.length; i++) {
      const a = net0.csr[i]!;
      const b = again.csr[i]!;
      expect(same(b.rowPtr, a.rowPtr), 'rowPtr').toBe(true);
      expect(same(b.post, a.post), 'post').toBe(true);
      expect(same(b.colPtr, a.colPtr), 'colPtr').toBe(true);
      expect(same(b.colSyn, a.colSyn), 'colSyn').toBe(true);
      expect(same(b.colPre, a.colPre), 'colPre').toBe(true);
      expect(same(b.weight, a.weight), 'weight').toBe(true);
    }
    expect(same(again.v0, net0.v0)).toBe(true);
    const other = derive({ ...base(), seed: base().seed + 1 });
    const c = buildProjection(other.spec.seed, other.projections[0]!);
    const a = net0.csr[0]!;
    // Rows with identical content under an independent draw: P(row equal) is tiny for ~160 synapses.
    let sameRows = 0;
    for (let k = 0; k < a.nPre; k++) {
      const ra = a.post.subarray(a.rowPtr[k]!, a.rowPtr[k + 1]!);
      const rc = c.post.subarray(c.rowPtr[k]!, c.rowPtr[k + 1]!);
      if (ra.length === rc.length && ra.every((x, t) => x === rc[t])) sameRows++;
    }
    expect(sameRows).toBe(0);
    const vOther = buildNetwork(other).v0;
    expect(same(vOther, net0.v0)).toBe(false);
  });

  it('initial weights are J = j / sqrt(N) rounded to f32, for every synapse of every projection', () => {
    for (const pr of d0.projections) {
      const j = d0.spec.projections[pr.index]!.j;
      const want = Math.fround(j / Math.sqrt(N));
      expect(pr.J).toBe(want);
      const w = net0.csr[pr.index]!.weight;
      expect(w.every((x) => x === want), `${pr.name}: weights ${w[0]} vs ${want}`).toBe(true);
    }
  });

  it('initial V lies in [vInitLow, vInitHigh) with a uniform mean', () => {
    for (const p of d0.pops) {
      const lo = p.neuron.vInitLow;
      const hi = p.neuron.vInitHigh;
      const v = net0.v0.subarray(p.offset, p.offset + p.size);
      expect(v.every((x) => x >= lo && x < hi)).toBe(true);
      if (p.index === 0) {
        const m = meanVar(Float64Array.from(v)).mean;
        expect(withinZ(m, (lo + hi) / 2, seMean((hi - lo) ** 2 / 12, v.length)), `mean V0 ${m}`).toBe(true);
      }
    }
  });
});
