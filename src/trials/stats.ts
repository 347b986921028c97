// Per-trial statistics from a trial's spike raster (every neuron recorded): population PSTHs, the Up state
// and each unit's Up-state rate, as the Soldado-Magraner 2022 co-author's trainer.py / results.py compute them:
//  - PSTH of each population in bins of bin_ms (Hz per unit);
//  - the Up state: from the first to the last bin at or after from_s whose rate of the detecting population
//    (the inhibitory one in results.py's find_upstates) exceeds thresh_Hz; an Up shorter than minDur_ms is none;
//  - with an Up: each unit's rate = its spikes inside the Up / the Up's duration;
//  - without one (trainer.py's fallback): each unit's spikes in the whole trial / the event duration, the larger
//    of the two populations' counts of bins with any spike times bin_ms; the kicked units take the mean of the
//    rest of their population (their kick-driven spikes are not network activity).
// Also the CV of the ISIs of each unit inside the window (units with >= 3 spikes), for S7's CV_ISI ~ 1.

export interface UpStateParams {
  bin_ms: number;
  thresh_Hz: number;
  minDur_ms: number;
  from_s: number; // bins before this time are ignored (the kick's own response)
  detectPop: number; // population index whose PSTH detects the Up state
}

export interface PopRange {
  offset: number;
  size: number;
}

export interface TrialStats {
  up: boolean;
  upStart_s: number;
  upDur_s: number; // the Up's duration, or the fallback event duration
  unitRate_Hz: Float64Array; // per global unit
  popRate_Hz: number[]; // mean of unitRate_Hz per population
  popCv: number[]; // mean CV_ISI per population over units with >= 3 spikes in the window (NaN if none)
  psth_Hz: Float64Array[]; // per population, per bin
}

/** Statistics of one trial: spikes (steps, global ids) of every neuron over nSteps steps of dt_ms. */
export function trialStats(
  steps: Int32Array, ids: Int32Array, count: number, nSteps: number, dt_ms: number,
  pops: PopRange[], up: UpStateParams, kicked: { pop: number; count: number } | null,
): TrialStats {
  const N = pops.reduce((m, p) => Math.max(m, p.offset + p.size), 0);
  const binSteps = Math.max(1, Math.round(up.bin_ms / dt_ms));
  const nBins = Math.floor(nSteps / binSteps);
  const popOf = new Int32Array(N).fill(-1);
  pops.forEach((p, k) => popOf.fill(k, p.offset, p.offset + p.size));
  const psth = pops.map(() => new Float64Array(nBins));
  for (let s = 0; s < count; s++) {
    const b = Math.floor(steps[s]! / binSteps);
    const k = popOf[ids[s]!]!;
    if (b < nBins && k >= 0) psth[k]![b]! += 1;
  }
  const binS = (binSteps * dt_ms) / 1000;
  psth.forEach((h, k) => h.forEach((x, b) => (h[b] = x / (pops[k]!.size * binS))));
  const det = psth[up.detectPop]!;
  const first = Math.ceil((up.from_s * 1000) / (binSteps * dt_ms));
  let b0 = -1, b1 = -1;
  for (let b = Math.max(0, first); b < nBins; b++) {
    if (det[b]! > up.thresh_Hz) {
      if (b0 < 0) b0 = b;
      b1 = b;
    }
  }
  const durUp_s = b0 >= 0 ? (b1 - b0 + 1) * binS : 0;
  const isUp = b0 >= 0 && durUp_s * 1000 >= up.minDur_ms;
  const lo = isUp ? b0 * binSteps : 0;
  const hi = isUp ? (b1 + 1) * binSteps : nSteps;
  const counts = new Float64Array(N);
  const last = new Float64Array(N).fill(-1);
  const isiSum = new Float64Array(N), isiSq = new Float64Array(N), isiN = new Float64Array(N);
  for (let s = 0; s < count; s++) {
    const t = steps[s]!, i = ids[s]!;
    if (t < lo || t >= hi || i >= N) continue;
    counts[i]! += 1;
    if (last[i]! >= 0) {
      const d = (t - last[i]!) * dt_ms;
      isiSum[i]! += d;
      isiSq[i]! += d * d;
      isiN[i]! += 1;
    }
    last[i] = t;
  }
  let dur_s = durUp_s;
  if (!isUp) {
    const active = psth.map((h) => h.reduce((n, x) => n + (x > 0 ? 1 : 0), 0));
    dur_s = Math.max(...active) * binS;
  }
  const unitRate = new Float64Array(N);
  if (dur_s > 0) for (let i = 0; i < N; i++) unitRate[i] = counts[i]! / dur_s;
  if (!isUp && kicked && kicked.count > 0) {
    const p = pops[kicked.pop]!;
    const rest = p.size - kicked.count;
    let m = 0;
    for (let i = p.offset + kicked.count; i < p.offset + p.size; i++) m += unitRate[i]!;
    m = rest > 0 ? m / rest : 0;
    unitRate.fill(m, p.offset, p.offset + kicked.count);
  }
  const popRate = pops.map((p) => {
    let m = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) m += unitRate[i]!;
    return m / p.size;
  });
  const popCv = pops.map((p) => {
    let m = 0, n = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) {
      const k = isiN[i]!;
      if (k < 2) continue;
      const mu = isiSum[i]! / k;
      const v = Math.max(0, isiSq[i]! / k - mu * mu) * (k / (k - 1));
      m += Math.sqrt(v) / mu;
      n++;
    }
    return n > 0 ? m / n : Number.NaN;
  });
  return { up: isUp, upStart_s: isUp ? b0 * binS : 0, upDur_s: dur_s, unitRate_Hz: unitRate, popRate_Hz: popRate, popCv, psth_Hz: psth };
}
