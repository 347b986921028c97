// Host-side recorder shared by both engines: consumes per-step spike lists and per-bin current/weight
// summaries, and holds the Recordings (counts per window, raster, time series, ISI statistics).
import type { BuiltNetwork } from '../network/network.ts';
import { RunGuardError } from './engine.ts';
import type { Recordings } from '../record/recordings.ts';
import { restoreInto, snapArray, snapScalar, SnapshotError, type EngineSnapshot, type SnapshotArray } from './snapshot.ts';

const RASTER_CAP = 2_000_000;

export class Recorder {
  readonly rec: Recordings;
  private readonly rasterFlag: Uint8Array;
  private readonly popOf: Uint8Array;
  private readonly lastSpike: Int32Array;
  private readonly binSpikes: Float64Array;
  private rasterN = 0;
  private readonly nPops: number;
  private readonly nCh: number;
  private readonly nPlastic: number;
  readonly plasticIdx: number[];

  constructor(private readonly net: BuiltNetwork) {
    const d = net.derived;
    this.nPops = d.pops.length;
    this.nCh = d.channels.length;
    this.plasticIdx = d.projections.filter((p) => p.plastic).map((p) => p.index);
    this.nPlastic = this.plasticIdx.length;
    this.rasterFlag = new Uint8Array(d.N);
    for (const i of net.rasterNeurons) this.rasterFlag[i] = 1;
    this.popOf = new Uint8Array(d.N);
    for (const p of d.pops) this.popOf.fill(p.index, p.offset, p.offset + p.size);
    this.lastSpike = new Int32Array(d.N).fill(-1);
    this.binSpikes = new Float64Array(this.nPops);
    const ws = d.spec.recording.weightSamples;
    this.rec = {
      steps: 0,
      dt_ms: d.dt_ms,
      statsStart_step: d.statsStartStep,
      populations: d.pops.map((p) => ({ name: p.name, offset: p.offset, size: p.size })),
      windows: { window_ms: d.spec.recording.window_ms, nWindows: 0, nNeurons: d.N, counts: new Uint16Array(Math.max(0, d.nWindows) * d.N) },
      raster: { neurons: net.rasterNeurons, steps: new Int32Array(1024), ids: new Int32Array(1024), count: 0, dropped: 0 },
      series: {
        bin_ms: d.spec.recording.bin_ms,
        nBins: 0,
        rate_Hz: new Float64Array(d.nBins * this.nPops),
        currents: new Float64Array(d.nBins * this.nPops * this.nCh),
        channels: d.channels.map((c) => c.name),
        jMean: new Float64Array(d.nBins * this.nPlastic),
        jSample: new Float32Array(d.nBins * this.nPlastic * ws),
      },
      neuronStats: {
        spikeCount: new Uint32Array(d.N),
        isiCount: new Uint32Array(d.N),
        isiSum_ms: new Float64Array(d.N),
        isiSumSq_ms2: new Float64Array(d.N),
      },
      plasticNames: this.plasticIdx.map((i) => d.projections[i]!.name),
      finalWeights: [],
    };
  }

  /** Records the spikers of `step` (global ids, any order). */
  spikes(step: number, ids: Int32Array, n: number): void {
    const d = this.net.derived;
    const r = this.rec;
    const inStats = step >= d.statsStartStep;
    const w = inStats ? Math.floor((step - d.statsStartStep) / d.windowSteps) : -1;
    const counts = r.windows.counts;
    const ns = r.neuronStats;
    const N = d.N;
    for (let s = 0; s < n; s++) {
      const i = ids[s]!;
      this.binSpikes[this.popOf[i]!]!++;
      if (this.rasterFlag[i]) this.pushRaster(step, i);
      if (!inStats) continue;
      if (w < d.nWindows) counts[w * N + i]!++;
      ns.spikeCount[i]!++;
      const last = this.lastSpike[i]!;
      if (last >= d.statsStartStep) {
        const isi = (step - last) * d.dt_ms;
        ns.isiCount[i]!++;
        ns.isiSum_ms[i]! += isi;
        ns.isiSumSq_ms2[i]! += isi * isi;
      }
      this.lastSpike[i] = step;
    }
    if (inStats) r.windows.nWindows = Math.min(d.nWindows, Math.floor((step + 1 - d.statsStartStep) / d.windowSteps));
    r.steps = step + 1;
  }

  private pushRaster(step: number, i: number): void {
    const r = this.rec.raster;
    if (this.rasterN >= RASTER_CAP) {
      r.dropped++;
      return;
    }
    if (this.rasterN === r.steps.length) {
      const s = new Int32Array(r.steps.length * 2);
      s.set(r.steps);
      r.steps = s;
      const d = new Int32Array(r.ids.length * 2);
      d.set(r.ids);
      r.ids = d;
    }
    r.steps[this.rasterN] = step;
    r.ids[this.rasterN++] = i;
    r.count = this.rasterN;
  }

  /**
   * Closes bin b: currentMean[p * nCh + c] is the mean current of sampled neurons of p from channel c over
   * the bin; jMean/jSample per plastic projection at the bin's end. Fires the rate and NaN guards.
   */
  endBin(b: number, currentMean: Float64Array, jMean: Float64Array, jSample: Float32Array): void {
    const d = this.net.derived;
    const s = this.rec.series;
    if (b >= d.nBins) return;
    const binS = (d.binSteps * d.dt_ms) / 1000;
    let total = 0;
    for (const p of d.pops) {
      const rate = this.binSpikes[p.index]! / (p.size * binS);
      s.rate_Hz[b * this.nPops + p.index] = rate;
      total += this.binSpikes[p.index]!;
    }
    this.binSpikes.fill(0);
    s.currents.set(currentMean, b * this.nPops * this.nCh);
    s.jMean.set(jMean, b * this.nPlastic);
    s.jSample.set(jSample, b * jSample.length);
    s.nBins = b + 1;
    const meanRate = total / (d.N * binS);
    const endStep = (b + 1) * d.binSteps - 1;
    if (meanRate > d.spec.maxRate_Hz)
      throw new RunGuardError('rate', endStep, `bin ${b} (t = ${(((b + 1) * d.binSteps * d.dt_ms) / 1000).toFixed(3)} s)`, meanRate, `mean rate ${meanRate.toFixed(2)} Hz exceeds maxRate_Hz = ${d.spec.maxRate_Hz}`);
    for (let k = 0; k < currentMean.length; k++)
      if (!Number.isFinite(currentMean[k]!)) throw new RunGuardError('nan', endStep, `bin ${b}, current of population ${d.pops[Math.floor(k / this.nCh)]!.name}`, currentMean[k]!, 'non-finite current');
    for (let k = 0; k < jMean.length; k++)
      if (!Number.isFinite(jMean[k]!)) throw new RunGuardError('nan', endStep, `bin ${b}, projection ${this.rec.plasticNames[k]}`, jMean[k]!, 'non-finite weight');
  }

  /**
   * The recorder's complete state (recordings so far and the private bookkeeping: lastSpike, bin spike
   * counts, raster fill) as snapshot arrays `rec.*`; arrays hold the filled prefixes (views, not copies).
   */
  snapshot(): { scalars: Record<string, number>; arrays: Record<string, SnapshotArray> } {
    const r = this.rec;
    const N = this.net.derived.N;
    const s = r.series;
    const nb = s.nBins;
    const countsLen = Math.min(r.windows.counts.length, (r.windows.nWindows + 1) * N); // + the window in progress
    return {
      scalars: { 'rec.steps': r.steps, 'rec.nWindows': r.windows.nWindows, 'rec.rasterCount': this.rasterN, 'rec.rasterDropped': r.raster.dropped, 'rec.nBins': nb },
      arrays: {
        'rec.lastSpike': this.lastSpike,
        'rec.binSpikes': this.binSpikes,
        'rec.counts': r.windows.counts.subarray(0, countsLen),
        'rec.rasterSteps': r.raster.steps.subarray(0, this.rasterN),
        'rec.rasterIds': r.raster.ids.subarray(0, this.rasterN),
        'rec.rate_Hz': s.rate_Hz.subarray(0, nb * this.nPops),
        'rec.currents': s.currents.subarray(0, nb * this.nPops * this.nCh),
        'rec.jMean': s.jMean.subarray(0, nb * this.nPlastic),
        'rec.jSample': s.jSample.subarray(0, nb * this.nPlastic * this.net.derived.spec.recording.weightSamples),
        'rec.spikeCount': r.neuronStats.spikeCount,
        'rec.isiCount': r.neuronStats.isiCount,
        'rec.isiSum_ms': r.neuronStats.isiSum_ms,
        'rec.isiSumSq_ms2': r.neuronStats.isiSumSq_ms2,
      },
    };
  }

  /** Restores the state saved by snapshot() (checked against this network's sizes first). */
  restore(snap: EngineSnapshot): void {
    const d = this.net.derived;
    const N = d.N;
    const r = this.rec;
    const s = r.series;
    const nb = snapScalar(snap, 'rec.nBins');
    const nWin = snapScalar(snap, 'rec.nWindows');
    const nRaster = snapScalar(snap, 'rec.rasterCount');
    if (nb > d.nBins || nWin > Math.max(0, d.nWindows) || nRaster < 0) throw new SnapshotError(`snapshot recorder has ${nb} bins and ${nWin} windows; this run has ${d.nBins} and ${d.nWindows}`);
    const ws = d.spec.recording.weightSamples;
    const counts = snapArray<Uint16Array>(snap, 'rec.counts', Uint16Array, Math.min(r.windows.counts.length, (nWin + 1) * N));
    const rSteps = snapArray<Int32Array>(snap, 'rec.rasterSteps', Int32Array, nRaster);
    const rIds = snapArray<Int32Array>(snap, 'rec.rasterIds', Int32Array, nRaster);
    const parts: [string, SnapshotArray, number][] = [
      ['rec.rate_Hz', s.rate_Hz, nb * this.nPops],
      ['rec.currents', s.currents, nb * this.nPops * this.nCh],
      ['rec.jMean', s.jMean, nb * this.nPlastic],
      ['rec.jSample', s.jSample, nb * this.nPlastic * ws],
    ];
    for (const [name, dst, n] of parts) snapArray(snap, name, dst.constructor as never, n);
    for (const [name, dst] of [['rec.lastSpike', this.lastSpike], ['rec.binSpikes', this.binSpikes], ['rec.spikeCount', r.neuronStats.spikeCount],
      ['rec.isiCount', r.neuronStats.isiCount], ['rec.isiSum_ms', r.neuronStats.isiSum_ms], ['rec.isiSumSq_ms2', r.neuronStats.isiSumSq_ms2]] as const)
      snapArray(snap, name, dst.constructor as never, dst.length);
    // Everything checked: overwrite.
    for (const [name, dst, n] of parts) dst.set(snap.arrays[name]! as never, 0), dst.fill(0, n);
    restoreInto(snap, 'rec.lastSpike', this.lastSpike);
    restoreInto(snap, 'rec.binSpikes', this.binSpikes);
    restoreInto(snap, 'rec.spikeCount', r.neuronStats.spikeCount);
    restoreInto(snap, 'rec.isiCount', r.neuronStats.isiCount);
    restoreInto(snap, 'rec.isiSum_ms', r.neuronStats.isiSum_ms);
    restoreInto(snap, 'rec.isiSumSq_ms2', r.neuronStats.isiSumSq_ms2);
    r.windows.counts.fill(0);
    r.windows.counts.set(counts);
    r.windows.nWindows = nWin;
    let cap = 1024;
    while (cap < nRaster) cap *= 2;
    r.raster.steps = new Int32Array(cap);
    r.raster.steps.set(rSteps);
    r.raster.ids = new Int32Array(cap);
    r.raster.ids.set(rIds);
    r.raster.count = nRaster;
    r.raster.dropped = snapScalar(snap, 'rec.rasterDropped');
    this.rasterN = nRaster;
    s.nBins = nb;
    r.steps = snapScalar(snap, 'rec.steps');
  }

  /** Final weights of plastic projections in j units (J * sqrt(N)). */
  setFinalWeights(weights: Float32Array[]): void {
    const d = this.net.derived;
    this.rec.finalWeights = this.plasticIdx.map((pi) => {
      const pr = d.projections[pi]!;
      const c = this.net.csr[pi]!;
      const w = weights[pi]!;
      const j = new Float32Array(w.length);
      for (let s = 0; s < w.length; s++) j[s] = w[s]! / pr.jScale;
      const pre = new Int32Array(w.length);
      for (let k = 0; k < c.nPre; k++) pre.fill(pr.pre.offset + k, c.rowPtr[k]!, c.rowPtr[k + 1]!);
      return { name: pr.name, j, pre, post: c.post, J: Float32Array.from(w) };
    });
  }
}
