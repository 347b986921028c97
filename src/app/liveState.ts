// What the live views draw: the run's fixed info plus everything the snapshots brought so far, with the
// raster trimmed to the last RASTER_WINDOW_S seconds. Plain data; no DOM.
import type { FinalResult, LiveStats, RunInfo, Snapshot } from '../pipeline/liveRun.ts';

export const RASTER_WINDOW_S = 2;

export class LiveState {
  readonly info: RunInfo;
  step = 0;
  simTime_s = 0;
  wall_s = 0;
  rtf = 0;
  nBins = 0;
  readonly t_s: number[] = []; // bin end times
  readonly rate: number[][]; // [pop][bin]
  readonly currents: number[][][]; // [pop][channel][bin]
  readonly jMean: number[][]; // [plastic][bin]
  jSample: Float32Array | null = null;
  stats: LiveStats | null = null;
  final: FinalResult | null = null;
  // Raster of the recent window: time (s), row in the recorded subset, population index.
  rasterT: number[] = [];
  rasterRow: number[] = [];
  rasterPop: number[] = [];
  private readonly rowOf = new Map<number, number>();
  private readonly popOf = new Map<number, number>();
  version = 0; // bumped on every change, so views redraw only when needed

  constructor(info: RunInfo) {
    this.info = info;
    const np = info.populations.length;
    this.rate = Array.from({ length: np }, () => []);
    this.currents = Array.from({ length: np }, () => info.channels.map(() => []));
    this.jMean = info.plasticNames.map(() => []);
    info.rasterNeurons.forEach((n, k) => this.rowOf.set(n, k));
    for (const n of info.rasterNeurons) this.popOf.set(n, info.populations.findIndex((p) => n >= p.offset && n < p.offset + p.size));
  }

  get T_s(): number {
    return (this.info.nSteps * this.info.dt_ms) / 1000;
  }

  apply(s: Snapshot): void {
    const np = this.info.populations.length;
    const nc = this.info.channels.length;
    const nk = this.info.plasticNames.length;
    const nb = np > 0 ? s.rate_Hz.length / np : 0;
    for (let b = 0; b < nb; b++) {
      this.t_s.push(((s.firstBin + b + 1) * this.info.bin_ms) / 1000);
      for (let p = 0; p < np; p++) {
        this.rate[p]!.push(s.rate_Hz[b * np + p]!);
        for (let c = 0; c < nc; c++) this.currents[p]![c]!.push(s.currents[(b * np + p) * nc + c]!);
      }
      for (let k = 0; k < nk; k++) this.jMean[k]!.push(s.jMean[b * nk + k]!);
    }
    this.nBins += nb;
    if (s.jSample) this.jSample = s.jSample;
    if (s.stats) this.stats = s.stats;
    const dt_s = this.info.dt_ms / 1000;
    for (let i = 0; i < s.rasterSteps.length; i++) {
      const id = s.rasterIds[i]!;
      this.rasterT.push(s.rasterSteps[i]! * dt_s);
      this.rasterRow.push(this.rowOf.get(id) ?? 0);
      this.rasterPop.push(this.popOf.get(id) ?? 0);
    }
    this.trimRaster(s.simTime_s - RASTER_WINDOW_S);
    this.step = s.step;
    this.simTime_s = s.simTime_s;
    this.wall_s = s.wall_s;
    this.rtf = s.rtf;
    this.version++;
  }

  private trimRaster(from_s: number): void {
    let k = 0;
    while (k < this.rasterT.length && this.rasterT[k]! < from_s) k++;
    if (k > 0) {
      this.rasterT = this.rasterT.slice(k);
      this.rasterRow = this.rasterRow.slice(k);
      this.rasterPop = this.rasterPop.slice(k);
    }
  }

  setFinal(f: FinalResult): void {
    this.final = f;
    this.version++;
  }
}
