// WebGPU engine benchmark: a size sweep of the Akil network, static and with EI iSTDP on E<-I, one JSON
// line per run (PERF.md "Benchmark protocol"): device and adapter, commit, date, N, synapses, spikes,
// wall time (median of --repeat runs), real-time factor, GPU time per pass from timestamp queries,
// synaptic events per wall second. Node + Dawn:
//   npx tsx bench/gpu.ts [--N 1000,2000,5000,10000] [--T 2] [--warmup 0.5] [--repeat 3]
//                        [--schedule auto|resident|fused|passes] [--plastic both|static|plastic] [--out runs/bench-gpu.jsonl]
//                        [--cpu]   (also time the CPU engine on the same network: the ratio from one run)
//                        [--cpu-max-N 10000]   (time the CPU engine only up to this N)
//                        [--row-threads 64,256] [--spike-groups 80,320]   (launch shapes to sweep; default: engine's)
//   npx tsx bench/gpu.ts --suite sync [--N 1000]   (device-wide synchronisations per simulated second, counted:
//                        resident barriers with and without step blocks, fused dispatches; bench/syncCount.ts)
//   npx tsx bench/gpu.ts --suite issue19 [--smoke] [--schedule auto] [--T 2] [--warmup 0.5]
//                        (issue 19's four lines: bench/gpuSuite.ts; --smoke: tiny sizes for a software adapter)
//                        [--connectivity bernoulli|bernoulli-counter]   (bernoulli-counter: the engine builds the
//                        CSR on the device; each line then has device_build_s)
//                        [--storage stored|procedural|procedural-inputs]   (procedural: with bernoulli-counter, the
//                        static projections among populations keep no synapse and regenerate rows per spike;
//                        procedural-inputs: E<-X and I<-X too, rows regenerated per input spike; a line per storage:
//                        compare build_s, device_state_bytes and host_peak_rss_bytes)
//                        [--build-chunk-bytes <bytes>]   (bernoulli-counter: build projections whose per-synapse arrays
//                        pass this many bytes in chunks of whole rows/columns, as past one binding; device_build_chunked
//                        names them; for smoke runs of the chunked build on a software adapter)
// Memory per line: device_state_bytes (the engine's buffers, exact from its plan), device_build_peak_bytes
// (transient buffers of the largest device build, on top of the state while it runs), host_rss_bytes
// (resident set after the engine is created) and host_peak_rss_bytes (the process's peak RSS so far:
// sizes run in ascending order, so it bounds this N's peak from above).
// The first --warmup seconds of each run are simulated and discarded. The sweep stops at the first N
// that does not fit the device (that line carries the error). On a software adapter (SwiftShader) the
// defaults shrink to N <= 5000 and T = 0.2 s: those numbers say nothing about a real GPU.
import { execSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { buildNetwork } from '../src/network/network.ts';
import { derive } from '../src/model/derive.ts';
import { homeostaticInhibitory } from '../src/model/rules.ts';
import { validate } from '../src/model/validate.ts';
import { akilNetwork } from '../src/presets/akil2021.ts';
import { acquireDevice, releaseDevice } from '../src/engine/webgpu/device.ts';
import { WebGpuEngine } from '../src/engine/webgpu/WebGpuEngine.ts';
import { isScheduleChoice, SCHEDULE_CHOICES } from '../src/engine/webgpu/scheduleChoice.ts';
import { issue19Suite } from './gpuSuite.ts';
import { syncSuite } from './syncCount.ts';
import { CpuEngine } from '../src/engine/cpu/CpuEngine.ts';
import { buildNetworkOnDevice } from '../src/engine/webgpu/deviceNetwork.ts';
import { nnzOf } from '../src/network/connectivity.ts';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const commit = (() => {
  if (process.env.PLASTICNET_COMMIT) return process.env.PLASTICNET_COMMIT; // a bundled copy run outside the repository
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
})();

if (arg('suite') === 'sync') {
  // counts, no device: bench/syncCount.ts
  for (const l of syncSuite(Number(arg('N', '1000')))) console.log(JSON.stringify({ bench: 'gpu', suite: 'sync', commit, ...l }));
  process.exit(0);
}

const { device, adapterInfo } = await acquireDevice({ allowSoftware: true, powerPreference: 'high-performance' });
const soft = adapterInfo.isSoftware;
const Ns = (arg('N') ?? (soft ? '1000,2000,5000' : '1000,2000,5000,10000,20000,50000,100000')).split(',').map(Number);
const T_s = Number(arg('T', soft ? '0.2' : '2'));
const warm_s = Number(arg('warmup', soft ? '0.05' : '0.5'));
const repeat = Number(arg('repeat', soft ? '1' : '3'));
const schedule = arg('schedule', 'auto')!;
if (!isScheduleChoice(schedule)) {
  console.error(`--schedule '${schedule}': allowed ${SCHEDULE_CHOICES.join(', ')}`);
  process.exit(2);
}
const which = arg('plastic', 'both');
const out = arg('out');
const withCpu = process.argv.includes('--cpu');
const cpuMaxN = Number(arg('cpu-max-N', 'Infinity')); // time the CPU engine only up to this N
// Launch-shape sweeps (engine defaults when absent): threads per spiker row, workgroups walking the spike list.
const list = (name: string): (number | undefined)[] => (arg(name) ?? '').split(',').filter((x) => x !== '').map(Number);
const rowThreadsList = list('row-threads').length > 0 ? list('row-threads') : [undefined];
const spikeGroupsList = list('spike-groups').length > 0 ? list('spike-groups') : [undefined];
const kinds = which === 'both' ? [false, true] : [which === 'plastic'];
const connectivity = arg('connectivity', 'bernoulli') as 'bernoulli' | 'bernoulli-counter';
if (connectivity !== 'bernoulli' && connectivity !== 'bernoulli-counter') {
  console.error(`--connectivity: ${String(connectivity)}; allowed: bernoulli, bernoulli-counter`);
  process.exit(2);
}
const storage = arg('storage', 'stored') as 'stored' | 'procedural' | 'procedural-inputs';
if ((storage !== 'stored' && storage !== 'procedural' && storage !== 'procedural-inputs') || (storage !== 'stored' && connectivity !== 'bernoulli-counter')) {
  console.error(`--storage: ${String(storage)}; allowed: stored, or procedural or procedural-inputs with --connectivity bernoulli-counter`);
  process.exit(2);
}
const chunkArg = arg('build-chunk-bytes');
const buildChunkBytes = chunkArg === undefined ? Infinity : Number(chunkArg);
if (!(Number.isInteger(buildChunkBytes) || buildChunkBytes === Infinity) || buildChunkBytes < 64 || (chunkArg !== undefined && connectivity !== 'bernoulli-counter')) {
  console.error(`--build-chunk-bytes: ${String(chunkArg)}; allowed an integer >= 64 (bytes), with --connectivity bernoulli-counter`);
  process.exit(2);
}
/** Synapses of projection i: stored, or for a procedural one the expected count p * nPre * nPost (none is held). */
const synapsesOf = (net: Awaited<ReturnType<typeof buildNetwork>>, i: number): number => {
  const c = net.csr[i]!;
  const pr = net.derived.projections[i]!;
  return c.procedural ? pr.p * pr.pre.size * pr.post.size : nnzOf(c);
};
const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

function emit(line: Record<string, unknown>): void {
  const text = JSON.stringify(line);
  console.log(text);
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    appendFileSync(out, text + '\n');
  }
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

const base = {
  bench: 'gpu',
  backend: 'webgpu',
  schedule,
  device: `${adapterInfo.description || adapterInfo.device} (${adapterInfo.vendor}, ${adapterInfo.architecture})`,
  software: soft,
  commit,
  date: new Date().toISOString(),
  node: process.version,
  host_cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
  limits: {
    maxBufferSize: device.limits.maxBufferSize,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: device.limits.maxStorageBuffersPerShaderStage,
  },
  dt_ms: 0.1,
  T_s,
  warmup_s: warm_s,
};

const suite = arg('suite');
if (suite !== undefined && suite !== 'issue19') {
  console.error(`--suite '${suite}': allowed issue19`);
  process.exit(2);
}
if (suite === 'issue19') {
  const smoke = process.argv.includes('--smoke');
  await issue19Suite(device, adapterInfo, { smoke, schedule, T_s: smoke ? 0.02 : T_s, warm_s: smoke ? 0.005 : warm_s }, (line) => emit({ ...base, schedule_requested: schedule, ...line, T_s: smoke ? 0.02 : T_s, warmup_s: smoke ? 0.005 : warm_s, suite }));
  releaseDevice(device);
  process.exit(0);
}

sweep: for (const N of Ns) {
  for (const plastic of kinds) {
    const akil = akilNetwork({ N, T_s: warm_s + T_s, ...(plastic ? { plastic: { 'E<-I': EI_ISTDP } } : {}) });
    const pops = new Set(akil.populations.map((p) => p.name));
    // procedural: static projections among populations; procedural-inputs: those from inputs too
    const proc = (p: { plasticity?: unknown; pre: string }): boolean => storage !== 'stored' && !p.plasticity && (pops.has(p.pre) || storage === 'procedural-inputs');
    akil.projections = akil.projections.map((p) => ({ ...p, connectivity, ...(proc(p) ? { storage: 'procedural' as const } : {}) }));
    const spec = validate(akil);
    const t0 = performance.now();
    let net;
    try {
      // bernoulli-counter: the host keeps row pointers of static projections only (deviceNetwork.ts).
      net = connectivity === 'bernoulli-counter' ? (await buildNetworkOnDevice(derive(spec), device, buildChunkBytes)).net : buildNetwork(derive(spec));
    } catch (e) {
      emit({ ...base, N, plastic, error: `build: ${(e as Error).message}` });
      break sweep;
    }
    const build_s = (performance.now() - t0) / 1000;
    const d = net.derived;
    const synapses = Math.round(net.csr.reduce((s, _, i) => s + synapsesOf(net!, i), 0)); // procedural: expected
    const warmSteps = Math.round((warm_s * 1000) / d.dt_ms);
    const steps = d.nSteps - warmSteps;
    let gpuWall_s = NaN; // the last launch shape's median wall, for the CPU ratio
    for (const rowThreads of rowThreadsList) for (const spikeWorkgroups of spikeGroupsList) {
      const shape = { ...(rowThreads ? { rowThreads } : {}), ...(spikeWorkgroups ? { spikeWorkgroups } : {}) };
      const walls: number[] = [];
      let spikes = 0;
      let events = 0;
      let create_s = 0;
      let passTimes: Record<string, number> = {};
      let chunks = { graph: 1, weight: 1, colidx: 0 }; // storage bindings of each (chunks.ts; colidx 0: the column index in graph)
      let chosen = ''; // the schedule the engine ran ('auto' picks)
      let mem = { device_state_bytes: 0, device_build_peak_bytes: 0, device_build_s: 0, host_rss_bytes: 0, device_built: [] as string[], device_build_chunked: [] as string[] };
      try {
        for (let r = 0; r < repeat + 1; r++) {
          // The last run times each pass (timestamp queries on every 10th step); the others time the wall.
          // (Not for the resident schedule: one dispatch per submission has no passes to time.)
          const profile = r === repeat && !chosen.startsWith('resident');
          if (r === repeat && !profile) continue;
          const c0 = performance.now();
          const engine = await WebGpuEngine.create(net, device, { adapterInfo, schedule, ...shape, ...(profile ? { profileEvery: 10 } : {}), ...(Number.isFinite(buildChunkBytes) ? { buildChunkBytes } : {}) });
          create_s = (performance.now() - c0) / 1000;
          chunks = { graph: engine.state.storage.graph.count, weight: engine.state.storage.weight.count, colidx: engine.state.storage.colidx?.count ?? 0 };
          if (!profile) chosen = engine.resident?.describe() ?? engine.schedule;
          const cb = engine.connectivityBuild;
          mem = {
            device_state_bytes: Object.values(engine.state.plan.bytes()).reduce((a, b) => a + b, 0),
            device_build_peak_bytes: cb.peakBuildBytes,
            device_build_s: Number((cb.device_ms / 1000).toFixed(3)),
            host_rss_bytes: process.memoryUsage().rss,
            device_built: cb.device,
            device_build_chunked: cb.chunked,
          };
          try {
            await engine.advance(warmSteps);
            const before = Float64Array.from(engine.spikesByPop);
            const w0 = performance.now();
            await engine.advance(steps);
            const wall = (performance.now() - w0) / 1000;
            if (profile) {
              const t = engine.passTimes();
              if (t) passTimes = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Number(v.mean_us.toFixed(3))]));
              continue;
            }
            walls.push(wall);
            // Spikes of the timed steps, and the synaptic events they (and the input) caused.
            spikes = 0;
            events = 0;
            for (const p of d.pops) {
              const n = engine.spikesByPop[p.index]! - before[p.index]!;
              const outDeg = d.projections.filter((pr) => pr.pre.kind === 'population' && pr.pre.index === p.index).reduce((s, pr) => s + synapsesOf(net!, pr.index), 0) / p.size;
              spikes += n;
              events += n * outDeg;
            }
            for (const x of d.inputs) {
              const outDeg = d.projections.filter((pr) => pr.pre.kind === 'input' && pr.pre.index === x.index).reduce((s, pr) => s + synapsesOf(net!, pr.index), 0) / x.size;
              events += x.size * x.rate_Hz * T_s * outDeg; // expected input spikes (not counted on the GPU)
            }
          } finally {
            engine.dispose();
          }
        }
      } catch (e) {
        emit({ ...base, N, plastic, synapses, error: (e as Error).message });
        break sweep;
      }
      const wall_s = median(walls);
      gpuWall_s = wall_s;
      const perStep_us = Object.values(passTimes).reduce((a, b) => a + b, 0);
      emit({
        ...base,
        N,
        plastic,
        rule: plastic ? 'E<-I istdp-ei' : null,
        schedule_chosen: chosen,
        row_threads: rowThreads ?? 'default',
        spike_groups: spikeWorkgroups ?? 'default',
        synapses,
        spikes: Math.round(spikes),
        connectivity,
        storage,
        build_s: Number(build_s.toFixed(3)),
        create_s: Number(create_s.toFixed(3)),
        ...mem,
        host_peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
        chunks,
        wall_s: Number(wall_s.toFixed(4)),
        walls_s: walls.map((w) => Number(w.toFixed(4))),
        rtf: Number((wall_s / T_s).toFixed(5)),
        us_per_step: Number(((wall_s / steps) * 1e6).toFixed(3)),
        gpu_us_per_step: perStep_us > 0 ? Number(perStep_us.toFixed(3)) : null,
        gpu_pass_us: passTimes,
        gpu_pass_rtf: Object.fromEntries(Object.entries(passTimes).map(([k, v]) => [k, Number((v / (d.dt_ms * 1000)).toFixed(5))])),
        syn_events_per_wall_s: Number((events / wall_s).toExponential(4)),
      });
    }
    if (withCpu && N <= cpuMaxN) {
      // The CPU engine needs every target on the host: the host build of the same network.
      const cpu = new CpuEngine(connectivity === 'bernoulli-counter' ? buildNetwork(derive(spec)) : net);
      await cpu.advance(warmSteps);
      const w0 = performance.now();
      await cpu.advance(steps);
      const cpuWall = (performance.now() - w0) / 1000;
      emit({ ...base, backend: 'cpu', schedule: null, device: cpu.device, software: null, N, plastic, synapses, wall_s: Number(cpuWall.toFixed(4)), rtf: Number((cpuWall / T_s).toFixed(5)), webgpu_over_cpu: Number((gpuWall_s / cpuWall).toFixed(3)) });
    }
  }
}
releaseDevice(device);
