// The split column index (GpuPlan.colsSplit, plan.ts): where graph's u32 index cannot hold the column index of the
// plastic projections, it moves to its own array colidx, and colPre packs two 16-bit local presynaptic indices per
// word where the presynaptic population has at most 2^16 neurons. These checks stay on the host: the words
// writeGraph streams into each array, decoded as shaders/plasticity_post.wgsl reads them (col_pre), must give the
// column index of the layout of old entry for entry; every other graph section must be word for word the same.
import { describe, expect, it } from 'vitest';
import { deviceFit, H200_LIMITS } from '../../src/engine/webgpu/fitPlan.ts';
import { GpuPlan, packPre16, PRE16_MAX } from '../../src/engine/webgpu/plan.ts';
import { derive } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';

const EI = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });
const opts = { stepsPerSubmit: 500, spikeWorkgroups: 4, inputWorkgroups: 2 };

/** Both arrays as writeGraph fills them. */
async function words(plan: GpuPlan): Promise<{ graph: Uint32Array; colidx: Uint32Array }> {
  const graph = new Uint32Array(plan.graph.total);
  const colidx = new Uint32Array(plan.colidx.total);
  await plan.writeGraph({ graph: (at, w) => (graph.set(w, at), false), colidx: (at, w) => (colidx.set(w, at), false), flush: async () => {} });
  return { graph, colidx };
}

describe('the split column index (colidx)', () => {
  const spec = akilNetwork({ N: 600, T_s: 0.05, plastic: { 'E<-I': EI, 'I<-I': EI } });
  const net = buildNetwork(derive(validate(spec)));

  it('holds colPtr, colW and colPre (packed) of every plastic projection; every other graph section is unchanged', async () => {
    const old = new GpuPlan(net, opts);
    const split = new GpuPlan(net, { ...opts, splitColumns: true });
    expect(new GpuPlan(net, { ...opts, splitColumns: 'auto' }).colsSplit).toBe(false); // small: the layout of old
    expect(old.colsSplit).toBe(false);
    expect(split.colsSplit).toBe(true);
    const plastic = net.derived.projections.filter((p) => p.plastic);
    expect(plastic.map((p) => p.name).sort()).toEqual(['E<-I', 'I<-I']);
    const cols = plastic.reduce((n, p) => n + p.post.size + 1, 0);
    const nnz = plastic.map((p) => split.projs[p.index]!.nnz);
    expect(split.colidx.total).toBe(cols + old.weightLen + nnz.reduce((a, n) => a + Math.ceil(n / 2), 0));
    expect(split.graph.total).toBe(old.graph.total - cols - 2 * old.weightLen);
    for (const p of plastic) expect(split.projs[p.index]!.pre16).toBe(1);
    expect(old.projs.every((p) => p.pre16 === 0)).toBe(true);
    expect(split.bytes().colidx).toBe(4 * split.colidx.total);
    expect(old.bytes().colidx).toBe(0);

    const a = await words(old);
    const b = await words(split);
    expect(b.colidx.length).toBe(split.colidx.total);
    for (const k of ['rowPtr', 'post', 'tables', 'wsample', 'delays'] as const) {
      const x = a.graph.subarray(old.graph.offset[k], old.graph.offset[k] + old.graph.length[k]);
      const y = b.graph.subarray(split.graph.offset[k], split.graph.offset[k] + split.graph.length[k]);
      expect(Array.from(y), k).toEqual(Array.from(x));
    }
    // Row pointers and the sampled weight indices are ids, unchanged; so the rest of the engine reads the same.
    let entries = 0;
    for (const p of plastic) {
      const po = old.projs[p.index]!;
      const ps = split.projs[p.index]!;
      expect(ps.wOff).toBe(po.wOff);
      for (let c = 0; c <= p.post.size; c++) expect(b.colidx[ps.colOff + c]).toBe(a.graph[po.colOff + c]);
      for (let e = po.wOff; e < po.wOff + po.nnz; e++) {
        // col_pre and the colW read of plasticity_post.wgsl, in both layouts
        const le = e - ps.wOff;
        const w = b.colidx[ps.colPreOff + (le >> 1)]!;
        const pre = p.pre.offset + ((w >>> ((le & 1) * 16)) & 0xffff);
        expect(pre).toBe(a.graph[po.colPreOff + le]);
        expect(b.colidx[split.col.colW + e]).toBe(a.graph[old.col.colW + e]);
        entries++;
      }
      // an odd count leaves the last word's high half 0
      if (ps.nnz % 2 === 1) expect(b.colidx[ps.colPreOff + (ps.nnz >> 1)]! >>> 16).toBe(0);
    }
    expect(entries).toBe(old.weightLen);
    // The uniform carries each projection's colPreOff and pre16.
    const pp = (split.params() as { projs: { colPreOff: number; pre16: number }[] }).projs;
    for (const p of plastic) expect(pp[p.index]).toMatchObject({ colPreOff: split.projs[p.index]!.colPreOff, pre16: 1 });
  });

  it('splitColumns false keeps the column index in graph; packPre16 refuses an index past 16 bits, naming it', () => {
    expect(new GpuPlan(net, { ...opts, splitColumns: false }).colsSplit).toBe(false);
    const out = new Uint32Array(2);
    packPre16(Int32Array.of(1, 2, 65535), 0, out);
    expect(Array.from(out)).toEqual([1 | (2 << 16), 65535]);
    packPre16(Int32Array.of(7, 8, 9, 10), 2, out.subarray(0, 1));
    expect(out[0]).toBe(9 | (10 << 16));
    expect(() => packPre16(Int32Array.of(3, 65536), 0, new Uint32Array(1))).toThrow('packPre16: presynaptic index 65536 at entry 1 does not fit 16 bits');
  });

  it('a presynaptic population past 2^16 neurons keeps one word per entry (N = 3.4e5: 68,000 I neurons)', () => {
    const s = akilNetwork({ N: 340_000, T_s: 0.1, plastic: { 'E<-I': EI } });
    const pops = new Set(s.populations.map((p) => p.name));
    s.projections = s.projections.map((p) => ({ ...p, connectivity: 'bernoulli-counter' as const, ...(!p.plasticity && pops.has(p.pre) ? { storage: 'procedural' as const } : {}) }));
    const f = deviceFit(validate(s), H200_LIMITS, { proceduralInputs: true });
    expect(68_000).toBeGreaterThan(PRE16_MAX);
    expect(f.colsSplit).toBe(true);
    expect(f.pre16).toEqual([]);
    // E<-I: 272,000 x 68,000 x 0.1 synapses: column pointers, colW and colPre one word each
    expect(f.colidxElems).toBe(272_001 + 2 * 1.8496e9);
    expect(f.refusal).toContain('buffer SimState.colidx needs 14,797,888,004 bytes (colPtr 1,088,004 B, colW 7,398,400,000 B, colPre 7,398,400,000 B) in 7 chunks');
  });
});
