// GpuPlan: where everything of a built network lives on the GPU (buffer sections, per-projection
// offsets, dispatch sizes) and the Params uniform, computed on the host without a device. Sizes are
// known before any allocation, so a network that does not fit is refused with its numbers.
import type { BuiltNetwork } from '../../network/network.ts';
import { weightRangeOf } from '../weightRange.ts';
import { nnzOf } from '../../network/connectivity.ts';
import { neuronModel } from '../../neurons/index.ts';
import { gpuRunsRules } from '../../plasticity/index.ts';
import { synapseModel } from '../../synapses/index.ts';
import { fixedIncrement } from '../fixed.ts';
import {
  MAX_CHANNELS,
  MAX_INPUTS,
  MAX_POPS,
  MAX_PROJ,
  MAX_SIGNALS,
  MAX_TRACES,
  LAG_TRACE_BITS,
  Ctl,
  Params,
  REDUCE_BLOCK,
  Sections,
  type BufferName,
} from './layout.ts';
import { field, type HostValue } from './schema.ts';
import { SpecError, type SpecIssue } from '../../model/validate.ts';
import { MAX_CHUNKED_ELEMS } from './chunks.ts';

const F32_MAX = 3.4028234663852886e38;
/** Words of the host block through which offset-shifted graph sections are streamed (16 MiB). */
const GRAPH_BLOCK = 2 ** 22;
const finite = (x: number): number => Math.max(-F32_MAX, Math.min(F32_MAX, x));

export interface PlanOptions {
  /** Steps encoded per queue submission (one readback each). */
  stepsPerSubmit: number;
  /** Workgroups of the per-spiker passes; each strides over the spike list. */
  spikeWorkgroups: number;
  /** Workgroups delivering input spikes (independent layers and correlated events). */
  inputWorkgroups: number;
  /**
   * Where the column index of plastic projections (colPtr, colW, colPre) lives: 'auto' (default) in graph while
   * graph's u32 element index holds it (the layout of old), else in its own chunked array `colidx` (with each
   * presynaptic index packed as 16 bits where the presynaptic population has at most 2^16 neurons); true: in
   * colidx always (tests run the split layout at small N); false: in graph always.
   */
  splitColumns?: boolean | 'auto';
}

/** Largest presynaptic population whose column entries the split layout packs two to a word (pre16). */
export const PRE16_MAX = 2 ** 16;

type ColSection = 'colPtr' | 'colW' | 'colPre';

export interface ProjPlan {
  rowOff: number;
  synOff: number;
  nnz: number;
  plastic: boolean;
  wOff: number;
  colOff: number;
  blockOff: number;
  nBlocks: number;
  q: number;
  delayOff: number; // graph offset of its per-synapse delays (heterogeneous delays only)
  /** Column-index offset of its colPre words (plastic; ProjParams.colPreOff); colOff is a column-index offset too. */
  colPreOff: number;
  /** 1: colPre packed two local 16-bit indices per word (ProjParams.pre16). */
  pre16: number;
  /** 0 stored; procedural: 1 skip table at rowOff, 2 p = 1, 3 p = 0 (ProjParams.procedural). */
  procedural: number;
  tableLen: number;
}

/** Host-side layout of one network on the GPU. */
export class GpuPlan {
  readonly N: number;
  readonly nCh: number;
  readonly fstate = new Sections<'v' | 'current' | 'traces' | 'curAcc' | 'signal' | 'synState' | 'neuronState'>();
  /** Declared f32 synapse-model state (StateLayout.model 'synapse.<c>.<var>'): each key's offset in fstate (N values). */
  readonly synStateOff = new Map<string, number>();
  /** Declared i32 synapse-model state: each key's offset in istate (N values). */
  readonly synIStateOff = new Map<string, number>();
  /** Per channel: fstate offset of its first declared f32 state variable (f32 variable k at + k N), 0 when none. */
  readonly chStateOff: number[] = [];
  /** Per channel: istate offset of its first declared i32 state variable (i32 variable k at + k N), 0 when none. */
  readonly chIStateOff: number[] = [];
  /**
   * Declared neuron-model state (StateLayout.model 'neuron.<model>.<var>'): each key's offset (N values) in
   * fstate (f32 variables) or istate (i32 ones). A model's f32 variable k (counted among its f32 ones) is at
   * PopParams.stateOff + k N, its i32 variable k at PopParams.istateOff + k N (neuronStateWgsl's accessors).
   */
  readonly neuronStateOff = new Map<string, { type: 'f32' | 'i32'; off: number }>();
  /** Per neuron model with declared state: fstate and istate offsets of its first f32 and i32 variable. */
  readonly modelStateOff = new Map<string, { f: number; i: number }>();
  readonly istate = new Sections<'refr' | 'last' | 'slot' | 'ring' | 'neuronState' | 'synState' | 'histBits'>();
  readonly list = new Sections<'spikes' | 'events' | 'rec' | 'hist'>();
  /** Words per neuron of the spike-history bits (Params.histWords): ceil(H / 32), 0 without a history. */
  readonly histWords: number;
  readonly graph = new Sections<'rowPtr' | 'post' | ColSection | 'tables' | 'wsample' | 'delays'>();
  /**
   * The column index's own array when split (colsSplit): colPtr, colW, colPre; empty otherwise. Read the column
   * index's offsets from `col` (graph's when it lives in graph, colidx's when split), never from graph.offset.
   */
  readonly colidx = new Sections<ColSection>();
  /** True: the column index is its own chunked array (colidx); false: sections of graph (colidx_at = graph_at). */
  readonly colsSplit: boolean;
  /** Offsets of the column index's sections in the array that holds it (graph or colidx). */
  readonly col: Record<ColSection, number>;
  readonly projs: ProjPlan[] = [];
  readonly ringOff: number[] = [];
  readonly tableOff: { count: number; mother: number }[] = [];
  readonly weightLen: number;
  readonly maxEvents: number;
  /** Threads of the correlated-input generation: the largest correlated layer. */
  readonly corrThreads: number;
  readonly recCap: number;
  readonly nSlots: number;
  readonly nBlocks: number;
  readonly nWSamples: number;
  readonly binCap: number;
  readonly binStride: number;
  readonly bin = { cur: 0, part: 0, samp: 0 };
  /** Byte offset of Ctl.list: the header before it is read back every chunk. */
  readonly ctlHeaderBytes = field(Ctl, 'list').offset;

  constructor(readonly net: BuiltNetwork, readonly opts: PlanOptions) {
    // The plasticity passes run the pair form only (apply_term); a CPU-only rule family has no WGSL twin.
    if (!gpuRunsRules(net.derived.projections)) {
      const r = net.derived.projections.find((p) => p.plastic && !gpuRunsRules([p]))!.plastic!;
      throw new Error(`the WebGPU engine cannot run plasticity rule '${r.rule}' (family '${r.family}' is CPU only): use --backend cpu`);
    }
    const d = net.derived;
    const tooManyLags = heteroStdpTooLarge(net);
    if (tooManyLags.length) throw new SpecError(tooManyLags);
    const unsupported = gpuUnsupportedModels(net);
    if (unsupported.length) throw new Error(`the WebGPU engine cannot run ${unsupported.join(', ')}: use --backend cpu`);
    const N = (this.N = d.N);
    this.nCh = d.channels.length;
    if (d.pops.length > MAX_POPS) throw new Error(`WebGPU engine: ${d.pops.length} populations exceed MAX_POPS = ${MAX_POPS} (layout.ts)`);
    if (d.channels.length > MAX_CHANNELS) throw new Error(`WebGPU engine: ${d.channels.length} current channels exceed MAX_CHANNELS = ${MAX_CHANNELS}`);
    if (d.traces.length > MAX_TRACES) throw new Error(`WebGPU engine: ${d.traces.length} trace groups exceed MAX_TRACES = ${MAX_TRACES}`);
    if (d.inputs.length > MAX_INPUTS) throw new Error(`WebGPU engine: ${d.inputs.length} inputs exceed MAX_INPUTS = ${MAX_INPUTS}`);
    if (d.projections.length > MAX_PROJ) throw new Error(`WebGPU engine: ${d.projections.length} projections exceed MAX_PROJ = ${MAX_PROJ}`);
    if (d.signals.length > MAX_SIGNALS) throw new Error(`WebGPU engine: ${d.signals.length} rate-modulating signals exceed MAX_SIGNALS = ${MAX_SIGNALS}`);
    for (const p of d.pops) {
      const src = p.neuron.source;
      // Source k reads channel sigOffset + floor(k * sigCount / size), computed in u32 on the GPU.
      if (src && src.sigCount > 1 && p.size * src.sigCount >= 2 ** 32)
        throw new Error(`WebGPU engine: population ${p.name}: ${p.size} sources x ${src.sigCount} signal channels exceed 2^32`);
    }
    for (const x of d.inputs) if (x.size >= 2 ** 24) throw new Error(`WebGPU engine: input ${x.name} has ${x.size} neurons; events address at most 2^24`);

    this.nSlots = net.currentSample.length;
    const synVars = d.channels.map((ch) => synapseModel(ch.synapse).state ?? []);
    this.fstate.add('v', N).add('current', this.nCh * N).add('traces', d.traces.length * N).add('curAcc', this.nSlots * this.nCh).add('signal', d.nSignalChannels);
    const synCount = (t: 'f32' | 'i32'): number => synVars.reduce((n, vs) => n + vs.filter((v) => v.type === t).length, 0) * N;
    this.fstate.add('synState', synCount('f32'));
    let at = this.fstate.offset.synState;
    synVars.forEach((vs, c) => {
      const fv = vs.filter((v) => v.type === 'f32');
      this.chStateOff.push(fv.length ? at : 0);
      for (const v of fv) {
        this.synStateOff.set(`synapse.${c}.${v.name}`, at);
        at += N;
      }
    });

    const neuronVars = [...new Set(d.pops.map((p) => p.neuron.model))].map((m) => [m, neuronModel(m).state ?? []] as const);
    const count = (t: 'f32' | 'i32'): number => neuronVars.reduce((n, [, vs]) => n + vs.filter((v) => v.type === t).length, 0) * N;
    this.fstate.add('neuronState', count('f32'));

    let ring = 0;
    for (const x of d.inputs) {
      this.ringOff.push(ring);
      ring += x.correlation > 0 ? (2 * x.delayOffset + 1) * x.size : 0;
    }
    this.istate.add('refr', N).add('last', N).add('slot', N).add('ring', ring).add('neuronState', count('i32')).add('synState', synCount('i32'));
    // Spike history of delayed spike-driven plasticity (H = Derived.spikeHistory slots): a bit per neuron and slot
    // for the lagged trace groups (trace_update.wgsl), and the spike lists (ctl.list) the arrivals are read from.
    this.histWords = Math.ceil(d.spikeHistory / 32);
    this.istate.add('histBits', N * this.histWords);
    let iat = this.istate.offset.synState;
    synVars.forEach((vs, c) => {
      const iv = vs.filter((v) => v.type === 'i32');
      this.chIStateOff.push(iv.length ? iat : 0);
      for (const v of iv) {
        this.synIStateOff.set(`synapse.${c}.${v.name}`, iat);
        iat += N;
      }
    });
    const next = { f32: this.fstate.offset.neuronState, i32: this.istate.offset.neuronState };
    for (const [m, vs] of neuronVars) {
      if (!vs.length) continue;
      this.modelStateOff.set(m, { f: next.f32, i: next.i32 });
      for (const v of vs) {
        this.neuronStateOff.set(`neuron.${m}.${v.name}`, { type: v.type, off: next[v.type] });
        next[v.type] += N;
      }
    }
    this.ringOff = this.ringOff.map((o) => o + this.istate.offset.ring);

    // Correlated layers emit at most one event per child and step; independent ones need no list.
    this.maxEvents = d.inputs.reduce((s, x) => s + (x.correlation > 0 ? x.size : 0), 0);
    this.corrThreads = d.inputs.reduce((m, x) => Math.max(m, x.correlation > 0 ? x.size : 0), 0);
    // Record capacity: twice maxRate_Hz over a whole submission, plus one step of every neuron.
    const submit_s = (opts.stepsPerSubmit * d.dt_ms) / 1000;
    this.recCap = Math.ceil(2 * N * d.spec.maxRate_Hz * submit_s) + N;
    this.list.add('spikes', 2 * N).add('events', 2 * this.maxEvents).add('rec', 2 * this.recCap).add('hist', d.spikeHistory * (1 + N));

    // Graph sections: row pointers of every projection, then targets, then the plastic column index.
    let rows = 0;
    let syn = 0;
    let wts = 0;
    let cols = 0;
    let blocks = 0;
    let dels = 0; // per-synapse delays (heterogeneous projections)
    for (const pr of d.projections) {
      const c = net.csr[pr.index]!;
      const plastic = pr.plastic !== null;
      const nnz = nnzOf(c);
      const nBlocks = plastic ? Math.ceil(nnz / REDUCE_BLOCK) : 0;
      const q = pr.plastic ? 0 : fixedIncrement(pr.J, pr.kick);
      if (!Number.isInteger(q) || Math.abs(q) > 2 ** 31 - 1)
        throw new Error(`WebGPU engine: projection ${pr.name}: fixed-point increment ${q} exceeds i32 (J/tau * 2^20)`);
      const hetero = net.delays[pr.index] ? nnz : 0;
      // A procedural projection keeps no row pointers and no targets: its skip table takes the rows' place.
      const table = c.procedural?.table;
      const procedural = !c.procedural ? 0 : pr.p >= 1 ? 2 : pr.p <= 0 ? 3 : 1;
      this.projs.push({ rowOff: rows, synOff: syn, nnz, plastic, wOff: plastic ? wts : 0, colOff: plastic ? cols : 0, blockOff: blocks, nBlocks, q, delayOff: dels, procedural, tableLen: procedural === 1 ? table!.length : 0, colPreOff: 0, pre16: 0 });
      dels += hetero;
      rows += table ? table.length : c.nPre + 1;
      syn += nnz;
      if (plastic) {
        wts += nnz;
        cols += c.nPost + 1;
        blocks += nBlocks;
      }
    }
    this.weightLen = wts;
    this.nBlocks = blocks;
    let tables = 0;
    for (const x of d.inputs) {
      this.tableOff.push({ count: tables, mother: tables + x.countTable.thresholds.length });
      tables += x.countTable.thresholds.length + x.motherTable.thresholds.length;
    }
    this.nWSamples = net.weightSample.reduce((s, w) => s + w.length, 0);
    // The column index (colPtr, colW, colPre) lives in graph unless graph's u32 element index cannot hold it with
    // the rest, or the options ask: then in its own array colidx, where colPre packs two 16-bit local presynaptic
    // indices per word for a presynaptic population of at most PRE16_MAX neurons (split layout only: the layout of
    // old stays word for word what it was).
    const split = opts.splitColumns ?? 'auto';
    const rest = rows + syn + tables + this.nWSamples + dels;
    this.colsSplit = split === 'auto' ? rest + cols + 2 * wts > MAX_CHUNKED_ELEMS : split;
    let preWords = 0;
    for (const [i, pr] of d.projections.entries()) {
      const p = this.projs[i]!;
      if (!p.plastic) continue;
      p.pre16 = this.colsSplit && pr.pre.size <= PRE16_MAX ? 1 : 0;
      p.colPreOff = preWords;
      preWords += p.pre16 ? Math.ceil(p.nnz / 2) : p.nnz;
    }
    const colHome = this.colsSplit ? this.colidx : this.graph;
    const sz = (n: number): number => (this.colsSplit ? 0 : n);
    this.graph.add('rowPtr', rows).add('post', syn);
    if (this.colsSplit) this.colidx.add('colPtr', cols).add('colW', wts).add('colPre', preWords);
    this.graph.add('colPtr', sz(cols)).add('colW', sz(wts)).add('colPre', sz(preWords));
    this.graph.add('tables', tables).add('wsample', this.nWSamples).add('delays', dels);
    this.col = { colPtr: colHome.offset.colPtr, colW: colHome.offset.colW, colPre: colHome.offset.colPre };
    for (const p of this.projs) {
      p.rowOff += this.graph.offset.rowPtr;
      p.colOff += this.col.colPtr;
      p.colPreOff += this.col.colPre;
      p.delayOff += this.graph.offset.delays;
    }
    this.tableOff = this.tableOff.map((t) => ({ count: t.count + this.graph.offset.tables, mother: t.mother + this.graph.offset.tables }));

    this.bin.cur = 0;
    this.bin.part = this.nSlots * this.nCh;
    this.bin.samp = this.bin.part + this.nBlocks;
    this.binStride = this.bin.samp + this.nWSamples;
    // Two submissions in flight, each closing at most ceil(steps / binSteps) + 1 bins.
    this.binCap = 2 * (Math.ceil(opts.stepsPerSubmit / d.binSteps) + 1) + 1;
  }

  /** Bytes of every storage buffer (at least 16: empty bindings are not allowed). */
  bytes(): Record<BufferName, number> {
    const b = (n: number): number => Math.max(16, 4 * n);
    return {
      ctl: this.ctlHeaderBytes + b(this.list.total),
      fstate: b(this.fstate.total),
      istate: b(this.istate.total),
      acc: b(this.nCh * this.N * (1 + this.net.derived.delaySlots)),
      weight: b(this.weightLen),
      graph: b(this.graph.total),
      bins: b(this.binCap * this.binStride),
      colidx: this.colsSplit ? b(this.colidx.total) : 0,
    };
  }

  /** What each buffer holds, for the "does not fit" message. */
  describe(name: BufferName): string {
    const s = (x: Sections<string>): string =>
      Object.entries(x.length as Record<string, number>)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${(4 * n).toLocaleString('en')} B`)
        .join(', ');
    switch (name) {
      case 'graph':
        return s(this.graph);
      case 'colidx':
        return s(this.colidx);
      case 'fstate':
        return s(this.fstate);
      case 'istate':
        return s(this.istate);
      case 'ctl':
        return s(this.list);
      case 'weight':
        return `${this.weightLen.toLocaleString('en')} plastic synapses`;
      case 'acc':
        return `${this.nCh} channels x ${this.N} neurons`;
      case 'bins':
        return `${this.binCap} bins x ${this.binStride} floats`;
    }
  }

  /** The Params uniform of this network. */
  params(): HostValue {
    const d = this.net.derived;
    const N = this.N;
    return {
      N,
      nPops: d.pops.length,
      nChannels: this.nCh,
      nTraces: d.traces.length,
      nInputs: d.inputs.length,
      nProj: d.projections.length,
      seed: d.spec.seed >>> 0,
      binSteps: d.binSteps,
      binCap: this.binCap,
      binStride: this.binStride,
      binCurOff: this.bin.cur,
      binPartOff: this.bin.part,
      binSampOff: this.bin.samp,
      nSlots: this.nSlots,
      nBlocks: this.nBlocks,
      nWSamples: this.nWSamples,
      vOff: this.fstate.offset.v,
      curOff: this.fstate.offset.current,
      trOff: this.fstate.offset.traces,
      curAccOff: this.fstate.offset.curAcc,
      refrOff: this.istate.offset.refr,
      lastOff: this.istate.offset.last,
      slotOff: this.istate.offset.slot,
      spikeOff: this.list.offset.spikes,
      eventOff: this.list.offset.events,
      recOff: this.list.offset.rec,
      recCap: this.recCap,
      postOff: this.graph.offset.post,
      colWOff: this.col.colW,
      wsOff: this.graph.offset.wsample,
      sigOff: this.fstate.offset.signal,
      nSignals: d.signals.length,
      nSignalChannels: d.nSignalChannels,
      delaySlots: d.delaySlots,
      histSlots: d.spikeHistory,
      histOff: this.list.offset.hist,
      histBitsOff: this.istate.offset.histBits,
      histWords: this.histWords,
      pops: d.pops.map((p) => ({
        offset: p.offset,
        size: p.size,
        channel: p.channel,
        model: neuronModel(p.neuron.model).gpu.code,
        stateOff: this.modelStateOff.get(p.neuron.model)?.f ?? 0,
        istateOff: this.modelStateOff.get(p.neuron.model)?.i ?? 0,
        isEif: p.neuron.gLdT > 0 ? 1 : 0,
        refSteps: p.neuron.refSteps,
        dtOverC: p.neuron.dtOverC,
        gL: p.neuron.gL,
        gLdT: p.neuron.gLdT,
        eL: p.neuron.eL,
        vT: p.neuron.vT,
        invDeltaT: p.neuron.invDeltaT,
        vThresh: p.neuron.vThresh,
        vReset: p.neuron.vReset,
        condMask: p.condChannels.reduce((m, c) => (m | (1 << c)) >>> 0, 0),
        iBg: p.neuron.iBg,
        adaptCh: p.neuron.adaptChannel,
        adaptKick: p.neuron.adaptKick,
        noiseAmp: p.neuron.noiseAmp,
        pBase: p.neuron.source?.pBase ?? 0,
        pGain: p.neuron.source?.pGain ?? 0,
        sigOffset: p.neuron.source?.sigOffset ?? 0,
        sigCount: p.neuron.source?.sigCount ?? 0,
      })),
      channels: d.channels.map((c, i) => ({ decay: c.decay, invTau: c.invTau, isInput: c.kind !== 'recurrent' ? 1 : 0, reversal: c.reversal ?? 0, model: synapseModel(c.synapse).gpu!.code, stateOff: this.chStateOff[i]!, istateOff: this.chIStateOff[i]!, p0: c.params?.[0] ?? 0, p1: c.params?.[1] ?? 0 })),
      signals: d.signals.map((g) => ({ offset: g.offset, channels: g.channels, decay: g.decay })),
      traces: d.traces.map((t) => ({ offset: d.pops[t.pop]!.offset, size: d.pops[t.pop]!.size, decay: t.decay, lag: t.lag })),
      inputs: d.inputs.map((x, i) => ({
        size: x.size,
        correlated: x.correlation > 0 ? 1 : 0,
        countOff: this.tableOff[i]!.count,
        countLen: x.countTable.thresholds.length,
        motherOff: this.tableOff[i]!.mother,
        motherLen: x.motherTable.thresholds.length,
        copyThreshold: x.copyThreshold,
        jitterSteps: x.jitterSteps,
        delayOffset: x.delayOffset,
        startStep: Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, x.startStep)),
        stopStep: Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, x.stopStep)),
        ringOff: this.ringOff[i]!,
        ringLen: x.correlation > 0 ? 2 * x.delayOffset + 1 : 0,
      })),
      projs: d.projections.map((pr, i) => {
        const p = this.projs[i]!;
        const r = pr.plastic;
        const term = (t: NonNullable<typeof r>['onPre'] | undefined): HostValue =>
          t ? { eta: t.eta, a: t.a, bPre: t.bPre, bPost: t.bPost, dep: t.dep, invJRef: t.invJRef } : { eta: 0, a: 0, bPre: 0, bPost: 0, dep: 0, invJRef: 0 };
        return {
          preIsInput: pr.pre.kind === 'input' ? 1 : 0,
          preIndex: pr.pre.index,
          preOffset: pr.pre.offset,
          preSize: pr.pre.size,
          postOffset: pr.post.offset,
          postSize: pr.post.size,
          channel: pr.channel,
          q: p.q,
          kick: pr.kick,
          rowOff: p.rowOff,
          synOff: p.synOff,
          nnz: p.nnz,
          plastic: p.plastic ? 1 : 0,
          wOff: p.wOff,
          colOff: p.colOff,
          colPreOff: p.colPreOff,
          pre16: p.pre16,
          blockOff: p.blockOff,
          nBlocks: p.nBlocks,
          preTrace: r ? r.preTrace : 0,
          postTrace: r ? r.postTrace : 0,
          bounded: r?.bounded ? 1 : 0,
          gate: r?.gate ? 1 : 0,
          jMin: r ? finite(r.jMin) : -F32_MAX,
          jMax: r ? finite(r.jMax) : F32_MAX,
          wLo: finite(weightRangeOf(pr).lo),
          wHi: finite(weightRangeOf(pr).hi),
          startStep: r ? Math.min(2 ** 31 - 1, r.startStep) : 0,
          delayMin: pr.delay.min,
          delayMax: pr.delay.max,
          delayOff: p.delayOff,
          procedural: p.procedural,
          tableLen: p.tableLen,
          arrivalLag: pr.arrivalLag,
          lagTraces0: lagTraces(pr.preTraceByLag, 0),
          lagTraces1: lagTraces(pr.preTraceByLag, 1),
          onPre: term(r?.onPre),
          onPost: term(r?.onPost),
        };
      }),
    };
  }

  /**
   * Streams the graph buffer's contents (length graph.total) to sink.graph(at, words) and, when the column index
   * is split (colsSplit), the colidx array's (colidx.total) to sink.colidx(at, words), section by section: CSR
   * targets go as they are (no copy); offset-shifted or packed sections through one reused block of at most
   * GRAPH_BLOCK words, so a multi-GB graph needs no second host copy. A writer must consume the words before it
   * returns (queue.writeBuffer does); it returns true when the caller should await sink.flush(). Projections in
   * `skip` are left out (their rows, targets and column index are built on the device).
   */
  async writeGraph(sink: GraphSink, skip: ReadonlySet<number> = new Set()): Promise<void> {
    const d = this.net.derived;
    const g = this.graph.offset;
    const block = new Uint32Array(Math.min(GRAPH_BLOCK, Math.max(1, this.graph.total + this.colidx.total)));
    const to = (write: GraphSink['graph']) => async (at: number, words: Uint32Array | Int32Array): Promise<void> => {
      if (words.length && write(at, words)) await sink.flush();
    };
    const put = to(sink.graph);
    const putCol = to(this.colsSplit ? sink.colidx : sink.graph);
    // words[k] = shift + src[k] for k in [0, n), written at `at`, one block at a time.
    const shifted = async (out: typeof put, at: number, src: Int32Array, shift: number): Promise<void> => {
      for (let k0 = 0; k0 < src.length; k0 += block.length) {
        const n = Math.min(block.length, src.length - k0);
        for (let k = 0; k < n; k++) block[k] = shift + src[k0 + k]!;
        await out(at + k0, block.subarray(0, n));
      }
    };
    // Two local indices per word (pre16): entries [2 w, 2 w + 2) into word w, one block at a time.
    const packed = async (at: number, src: Int32Array): Promise<void> => {
      const words = Math.ceil(src.length / 2);
      for (let w0 = 0; w0 < words; w0 += block.length) {
        const n = Math.min(block.length, words - w0);
        packPre16(src, 2 * w0, block.subarray(0, n));
        await putCol(at + w0, block.subarray(0, n));
      }
    };
    for (const [i, pr] of d.projections.entries()) {
      const c = this.net.csr[pr.index]!;
      const p = this.projs[i]!;
      if (skip.has(pr.index)) continue; // built on the device (deviceGraph.ts)
      if (c.procedural) {
        await put(p.rowOff, c.procedural.table); // regenerated per spike (synapse_propagate.wgsl): only the skip table
        continue;
      }
      await shifted(put, p.rowOff, c.rowPtr.subarray(0, c.nPre + 1), p.synOff);
      await put(g.post + p.synOff, c.post); // global neuron indices >= 0: the same bits as u32
      if (!p.plastic) continue;
      await shifted(putCol, p.colOff, c.colPtr.subarray(0, c.nPost + 1), p.wOff);
      await shifted(putCol, this.col.colW + p.wOff, c.colSyn, p.wOff);
      if (p.pre16) await packed(p.colPreOff, c.colPre);
      else await shifted(putCol, p.colPreOff, c.colPre, pr.pre.offset);
    }
    for (const [i, x] of d.inputs.entries()) {
      await put(this.tableOff[i]!.count, x.countTable.thresholds);
      await put(this.tableOff[i]!.mother, x.motherTable.thresholds);
    }
    const ws = new Uint32Array(this.nWSamples);
    let at = 0;
    d.projections.forEach((pr, i) => {
      for (const s of this.net.weightSample[pr.index]!) ws[at++] = this.projs[i]!.wOff + s;
    });
    await put(g.wsample, ws);
    for (const [i, pr] of d.projections.entries()) {
      const del = this.net.delays[pr.index];
      if (del) await put(this.projs[i]!.delayOff, Uint32Array.from(del));
    }
  }

  /** Weight-sample entries of plastic projection (in projection order) k: [start, count). */
  sampleRange(projIndex: number): [number, number] {
    let at = 0;
    for (let i = 0; i < projIndex; i++) at += this.net.weightSample[i]!.length;
    return [at, this.net.weightSample[projIndex]!.length];
  }
}

export { Params };

/** Where GpuPlan.writeGraph streams: the graph array, the split column index (colidx), and the wait for the queue. */
export interface GraphSink {
  graph: (at: number, words: Uint32Array | Int32Array) => boolean;
  colidx: (at: number, words: Uint32Array | Int32Array) => boolean;
  flush: () => Promise<void>;
}

/**
 * Packs local presynaptic indices (each < 2^16) two to a word: out[w] = src[first + 2 w] | src[first + 2 w + 1] << 16
 * (a missing last entry reads 0), for w in [0, out.length); first even. The split column index's colPre (pre16),
 * the layout of col_pack in shaders/connectivity_build.wgsl and of col_pre in shaders/plasticity_post.wgsl.
 */
export function packPre16(src: Int32Array, first: number, out: Uint32Array): void {
  for (let w = 0; w < out.length; w++) {
    const e = first + 2 * w;
    const lo = src[e]!;
    const hi = e + 1 < src.length ? src[e + 1]! : 0;
    if (lo >>> 16 !== 0 || hi >>> 16 !== 0) throw new RangeError(`packPre16: presynaptic index ${lo >>> 16 !== 0 ? lo : hi} at entry ${lo >>> 16 !== 0 ? e : e + 1} does not fit 16 bits`);
    out[w] = (lo | (hi << 16)) >>> 0;
  }
}

/**
 * Word `word` (0, 1) of ProjParams.lagTraces0/1: the pre trace group of lag arrivalLagMin + i (= delayMin - 1 + i) in bits
 * LAG_TRACE_BITS * i.. of word floor(i / 8) (per-synapse delays with spike-driven plasticity; 0 otherwise).
 */
function lagTraces(byLag: readonly number[], word: 0 | 1): number {
  const per = 32 / LAG_TRACE_BITS;
  let w = 0;
  for (let i = word * per; i < Math.min(byLag.length, (word + 1) * per); i++) w |= byLag[i]! << (LAG_TRACE_BITS * (i - word * per));
  return w >>> 0;
}

/**
 * Spike-driven plastic projections with per-synapse delays whose pre trace groups (one per lag,
 * DerivedProjection.preTraceByLag) do not fit the WebGPU engine's MAX_TRACES trace groups: one SpecIssue each
 * (projections[i].delay), [] when they fit. The CPU engine runs them (up to MAX_STDP_DELAY_SPAN lags).
 */
export function heteroStdpTooLarge(net: BuiltNetwork): SpecIssue[] {
  const d = net.derived;
  if (d.traces.length <= MAX_TRACES) return [];
  return d.projections
    .filter((p) => p.arrivalLagMin < p.arrivalLag)
    .map((p) => ({
      path: `projections[${p.index}].delay`,
      value: `${p.delay.min}..${p.delay.max} steps`,
      allowed: `on the WebGPU engine, per-synapse delays with spike-driven plasticity take one pre trace group per delay (${p.preTraceByLag.length} here) and the network's ${d.traces.length} trace groups exceed MAX_TRACES = ${MAX_TRACES}: fewer distinct delays, or --backend cpu`,
    }));
}

/**
 * The models of a network the WebGPU engine cannot run, named: CPU-only synapse models and synapse models with
 * more than 2 params (declared f32 and i32 state of neuron and synapse models lives on the GPU), spike-driven
 * plasticity with per-synapse delays whose trace groups do not fit (heteroStdpTooLarge); [] if none.
 */
export function gpuUnsupportedModels(net: BuiltNetwork): string[] {
  const names = [...new Set(net.derived.channels.map((c) => c.synapse))];
  const cpuOnly = names.filter((n) => !synapseModel(n).gpu).map((n) => `synapse model '${n}' (CPU only)`);
  const manyParams = [...new Set(net.derived.channels.filter((c) => (c.params?.length ?? 0) > 2).map((c) => c.synapse))].map((n) => `synapse model '${n}' (more than 2 params: ChannelParams has p0, p1)`);
  const heteroStdp = heteroStdpTooLarge(net).map((i) => `${i.path} (${i.value}: ${i.allowed})`);
  return [...cpuOnly, ...manyParams, ...heteroStdp];
}
