// A finished run as files: summary.json (statistics with theory beside them), spec.json, arrays as .npy,
// and report.html (SVG plots: raster, population rates, currents, covariances vs theory).
import type { RunResult } from '../pipeline/simulation.ts';
import type { NetworkBuildInfo } from '../pipeline/networkBuild.ts';
import { analyze, type Analysis } from '../stats/summary.ts';
import { theoryFor } from '../theory/adapters/theoryFor.ts';
import { predictWeights } from '../theory/adapters/weightTheory.ts';
import { renderReportFor } from './runReport.ts';
import { estimateResources } from '../model/estimate.ts';
import { spikingRecordings } from '../record/recordings.ts';
import { nnzOf } from '../network/connectivity.ts';

/** Provenance written into summary.meta: commit, ISO date and host. */
export interface RunMeta {
  commit: string;
  date: string;
  host: string;
}

/** The object of summary.json: statistics, theory beside them and run metadata. */
export type RunSummary = Analysis['summary'] & {
  meta: {
    spec: string;
    N: number;
    seed: number;
    /** Synapses stored (CSR rows, on the host or, for a device build, on the device). */
    synapses: number;
    /** Expected synapses of procedural projections (p nPre nPost; regenerated per spike, not stored); absent when none. */
    proceduralSynapses_expected?: number;
    backend: string;
    device: string;
    /** Engine.meta: the WebGPU engine's schedule and step blocks (docs/gpu-schedules.md); absent on engines without one. */
    engine?: Readonly<Record<string, string | number | boolean>>;
    wall_s: number;
    build_s: number;
    /** WebGPU backend: where the network was built (--build; docs/device-build.md); absent on other backends. */
    networkBuild?: NetworkBuildInfo;
    rtf: number;
    stoppedBy: RunResult['stoppedBy'];
  } & RunMeta;
};

/** Statistics of a run with the mean-field theory and run metadata beside them. */
export function summarizeRun(r: RunResult, meta: RunMeta): { summary: RunSummary; analysis: Analysis } {
  const rec = spikingRecordings(r.recordings, 'the run summary (spike statistics)');
  const analysis = analyze(rec, { covSample: r.spec.recording.covSample });
  const s = analysis.summary;
  const jFinal: Record<string, number> = Object.create(null); // keys are user names: no prototype
  for (const [k, v] of Object.entries(s.plastic)) jFinal[k] = v.jMeanFinal;
  const fano = r.spec.populations.map((p) => s.populations[p.name]?.fano ?? 1);
  s.theory = {
    initialWeights: theoryFor(r.spec, fano),
    ...(Object.keys(jFinal).length ? { finalWeights: theoryFor(r.spec, fano, jFinal), weightFixedPoint: predictWeights(r.spec) } : {}),
  };
  const simT_s = (rec.steps * rec.dt_ms) / 1000;
  const procedural = estimateResources(r.spec).proceduralSynapses;
  const summary: RunSummary = {
    ...s,
    meta: {
      spec: r.spec.name,
      N: r.spec.N,
      seed: r.spec.seed,
      synapses: r.net.csr.reduce((a, c) => a + nnzOf(c), 0), // row pointers: a device-built network holds no targets on the host
      ...(procedural > 0 ? { proceduralSynapses_expected: Math.round(procedural) } : {}),
      backend: r.backend,
      device: r.device,
      ...(r.engineMeta ? { engine: r.engineMeta } : {}),
      wall_s: r.wall_s,
      build_s: r.build_s,
      ...(r.backend === 'webgpu' && r.networkBuild ? { networkBuild: r.networkBuild } : {}),
      rtf: simT_s > 0 ? r.wall_s / simT_s : 0,
      stoppedBy: r.stoppedBy,
      ...meta,
    },
  };
  return { summary, analysis };
}

/** The file stem of a plastic projection's final-weight arrays: weights_<post>_from_<pre> (then _j, _pre, _post, _Jscaled). */
export function weightFileStem(name: string): string {
  return `weights_${name.replace('<-', '_from_')}`;
}

/** The named arrays of a run, as (name, array, shape) triples ready for .npy: the one list the CLI writes and the app exports. */
export function runArrays(r: RunResult, a: Analysis): { name: string; data: Float32Array | Float64Array | Int32Array | Uint16Array | Uint32Array; shape: number[] }[] {
  const rec = spikingRecordings(r.recordings, 'the run arrays (spike counts, raster)');
  const np = rec.populations.length;
  const nc = rec.series.channels.length;
  const nb = rec.series.nBins;
  const npl = rec.plasticNames.length;
  const out: ReturnType<typeof runArrays> = [
    { name: 'rates_Hz', data: a.rates_Hz, shape: [a.rates_Hz.length] },
    { name: 'cv_isi', data: a.cv, shape: [a.cv.length] },
    { name: 'spike_counts', data: rec.windows.counts.subarray(0, rec.windows.nWindows * rec.windows.nNeurons), shape: [rec.windows.nWindows, rec.windows.nNeurons] },
    { name: 'raster_step', data: rec.raster.steps.subarray(0, rec.raster.count), shape: [rec.raster.count] },
    { name: 'raster_neuron', data: rec.raster.ids.subarray(0, rec.raster.count), shape: [rec.raster.count] },
    { name: 'population_rate_Hz', data: rec.series.rate_Hz.subarray(0, nb * np), shape: [nb, np] },
    { name: 'currents', data: rec.series.currents.subarray(0, nb * np * nc), shape: [nb, np, nc] },
    { name: 'cov_sample', data: a.counts.sample.cov, shape: [a.counts.sample.n, a.counts.sample.n] },
    { name: 'cov_sample_neurons', data: a.counts.sample.indices, shape: [a.counts.sample.n] },
  ];
  if (npl > 0) {
    const ws = r.spec.recording.weightSamples;
    out.push({ name: 'j_mean', data: rec.series.jMean.subarray(0, nb * npl), shape: [nb, npl] });
    out.push({ name: 'j_sample', data: rec.series.jSample.subarray(0, nb * npl * ws), shape: [nb, npl, ws] });
    // Streamed final weights (Recordings.finalWeightDigests) are not here: the run's sink wrote them (weightFiles.ts).
    rec.finalWeights.forEach((w) => {
      const stem = weightFileStem(w.name);
      out.push({ name: `${stem}_j`, data: w.j, shape: [w.j.length] });
      out.push({ name: `${stem}_pre`, data: w.pre, shape: [w.pre.length] });
      out.push({ name: `${stem}_post`, data: w.post, shape: [w.post.length] });
      if (w.J) out.push({ name: `${stem}_Jscaled`, data: w.J, shape: [w.J.length] }); // the engine's exact f32 weights (--init-weights)
    });
  }
  return out;
}

export { renderReportFor };
