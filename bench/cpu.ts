// CPU-engine benchmark (npm run bench:cpu): the Akil 2021 network over N, static and EI-iSTDP plastic,
// one JSON line per (N, mode) printed and appended to bench/results/cpu.jsonl. Protocol: ../shared PERF.md
// (discard the first simulated 0.5 s, median of several runs, per-pass wall time, optional Brian2 peer run
// of the same network in the same invocation). Field meanings: bench/README.md.
//
//   npm run bench:cpu -- [--N 1000,2000,5000,10000] [--modes static,plastic] [--T 2] [--warmup 0.5]
//                        [--repeats 3] [--pass-repeats 1] [--threads 1,<cores>] [--peer brian2] [--out bench/results/cpu.jsonl | --no-save]
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { buildNetwork, type BuiltNetwork } from '../src/network/network.ts';
import { runMeta } from '../src/cli/runInfo.ts';
import { CpuEngine } from '../src/engine/cpu/CpuEngine.ts';
import { independentSpikes } from '../src/engine/cpu/input.ts';
import { SCHEDULE } from '../src/engine/engine.ts';
import { derive } from '../src/model/derive.ts';
import { homeostaticInhibitory } from '../src/model/rules.ts';
import type { NetworkSpec } from '../src/model/spec.ts';
import { validate } from '../src/model/validate.ts';
import { akilNetwork } from '../src/presets/akil2021.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BRIAN2_SCRIPT = path.join(HERE, 'brian2', 'akil.py');

type Mode = 'static' | 'istdp-ei';

/** The benchmarked network: Akil default weights; 'istdp-ei' adds fig3IstdpEi's rule (eta 1e-2, rho 10 Hz, J_norm -200). */
export function benchSpec(N: number, mode: Mode, T_s: number, warmup_s: number): NetworkSpec {
  const spec = akilNetwork({
    name: `bench-akil-${mode}`,
    N,
    T_s,
    seed: 2538,
    ...(mode === 'istdp-ei' ? { plastic: { 'E<-I': homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200 }) } } : {}),
  });
  // Statistics (spike counts) start where the timer starts: after the warm-up.
  return { ...spec, recording: { ...spec.recording, statsStart_s: warmup_s } };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const round = (x: number, d = 4): number => Number(x.toPrecision(d));

/** Total outgoing synapses per recurrent neuron (global index) and per input source, over all projections. */
function outDegrees(net: BuiltNetwork): { rec: Float64Array; inp: Float64Array[] } {
  const d = net.derived;
  const rec = new Float64Array(d.N);
  const inp = d.inputs.map((x) => new Float64Array(x.size));
  for (const pr of d.projections) {
    const c = net.csr[pr.index]!;
    const dst = pr.pre.kind === 'population' ? rec : inp[pr.pre.index]!;
    const off = pr.pre.kind === 'population' ? pr.pre.offset : 0;
    for (let k = 0; k < c.nPre; k++) dst[off + k]! += c.rowPtr[k + 1]! - c.rowPtr[k]!;
  }
  return { rec, inp };
}

/** Synaptic events (spike x outgoing synapse) in steps [from, to): recurrent from spike counts, input by replaying its RNG. */
function countEvents(net: BuiltNetwork, spikeCount: Uint32Array, from: number, to: number): { events: number; inputSpikes: number } {
  const d = net.derived;
  const deg = outDegrees(net);
  let events = 0;
  for (let i = 0; i < d.N; i++) events += spikeCount[i]! * deg.rec[i]!;
  let inputSpikes = 0;
  const ids = new Int32Array(65536);
  const seed = d.spec.seed >>> 0;
  for (const x of d.inputs) {
    if (x.correlation > 0) {
      // Not used by this benchmark's network: take the expectation.
      const n = x.size * x.rate_Hz * ((to - from) * d.dt_ms) / 1000;
      inputSpikes += n;
      events += n * (deg.inp[x.index]!.reduce((a, b) => a + b, 0) / x.size);
      continue;
    }
    for (let s = Math.max(from, x.startStep); s < Math.min(to, x.stopStep); s++) {
      const n = independentSpikes(seed, x, s, ids);
      inputSpikes += n;
      for (let i = 0; i < n; i++) events += deg.inp[x.index]![ids[i]!]!;
    }
  }
  return { events, inputSpikes };
}

/** One plain run on the normal engine (on `threads` threads); the timer covers the steps after the warm-up. */
async function timedRun(net: BuiltNetwork, warmSteps: number, threads: number): Promise<{ wall_s: number; cpu_s: number; start_s: number; threads_used: number; eng: CpuEngine }> {
  const ts = performance.now();
  const eng = await CpuEngine.create(net, { threads, minNeuronSteps: 0 }); // short bench runs still thread (start-up: engine_start_s)
  const start_s = (performance.now() - ts) / 1000;
  await eng.advance(warmSteps);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await eng.advance(net.derived.nSteps - warmSteps);
  const wall_s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const threads_used = eng.threads;
  eng.dispose();
  return { wall_s, cpu_s: (c.user + c.system) / 1e6, start_s, threads_used, eng };
}

/**
 * Bench-only stepping loop: the engine's passes (CpuEngine.passes, built from SCHEDULE), in SCHEDULE
 * order, each wrapped in a timer. 'check' is the per-step input-overflow guard (only for input channels
 * that can overflow i32; none in the Akil network); 'record' covers the recorder, including the guards
 * checked when a bin closes.
 */
export function instrumentedRun(net: BuiltNetwork, warmSteps: number): { pass_s: Record<string, number>; wall_s: number; spikes: number } {
  const eng = new CpuEngine(net);
  const d = net.derived;
  const st = eng.state;
  const passes = eng.passes;
  while (eng.step < warmSteps) eng.stepOnce();
  eng.beginDeferredPost({ minSynapses: eng.deferMinSynapses }); // as advance() does (pair-STDP post updates of large projections applied in row walks and flushes)
  const acc = new Float64Array(SCHEDULE.length);
  let spikes = 0;
  const t0 = performance.now();
  for (let step = warmSteps; step < d.nSteps; step++) {
    let a = performance.now();
    for (let k = 0; k < passes.length; k++) {
      passes[k]!.run(step);
      const b = performance.now();
      acc[k]! += b - a;
      a = b;
    }
    spikes += st.nSpikes;
  }
  const wall_s = (performance.now() - t0) / 1000;
  eng.endDeferredPost();
  return { pass_s: Object.fromEntries(passes.map((p, i) => [p.name, acc[i]! / 1000])), wall_s, spikes };
}

interface PeerResult {
  [k: string]: unknown;
  rtf?: number;
}

/** Finds a Python interpreter that imports brian2 (PLASTICNET_BRIAN2_PYTHON, Debian's /usr/bin/python3, python3). */
function brian2Python(): { python: string; version: string } | { error: string } {
  const candidates = [process.env['PLASTICNET_BRIAN2_PYTHON'], '/usr/bin/python3', 'python3'].filter((x): x is string => !!x);
  for (const py of candidates) {
    try {
      const v = execFileSync(py, ['-W', 'ignore', '-c', 'import brian2; print(brian2.__version__)'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      return { python: py, version: v };
    } catch {
      /* try the next */
    }
  }
  return { error: `no Python with brian2 among ${candidates.join(', ')} (install: DEBIAN_FRONTEND=noninteractive apt-get install -y python3-brian)` };
}

/** Generates, compiles and runs the Brian2 peer once (bench/brian2/akil.py), keeping its build in `dir`. */
function buildBrian2(py: string, N: number, mode: Mode, threads: number, o: Opts, dir: string): PeerResult {
  const args = [BRIAN2_SCRIPT, '--N', String(N), '--T', String(o.T), '--warmup', String(o.warmup), '--repeats', '1', '--plastic', mode, '--threads', String(threads), '--dir', dir];
  const r = spawnSync(py, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) {
    const why = (r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').slice(-5).join(' | ');
    return { simulator: 'brian2', error: `exit ${r.status}: ${why}` };
  }
  return JSON.parse(line) as PeerResult;
}

/** Re-runs the compiled Brian2 binary; its inserted timer gives the post-warm-up wall and CPU seconds. */
function rerunBrian2(dir: string): { wall_s: number; cpu_s: number } {
  const r = spawnSync(path.join(dir, 'main'), [], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`brian2 binary failed (exit ${r.status}): ${(r.stderr ?? '').slice(-500)}`);
  const [wall_s, cpu_s] = readFileSync(path.join(dir, 'results', 'plasticnet_timed_run.txt'), 'utf8').trim().split(/\s+/).map(Number);
  return { wall_s: wall_s!, cpu_s: cpu_s! };
}

interface Opts {
  N: number[];
  modes: Mode[];
  T: number;
  warmup: number;
  repeats: number;
  passRepeats: number;
  threads: number[];
  peer: string | undefined;
  out: string | false;
}

const list = <T>(parse: (s: string) => T) => (v: string): T[] => v.split(',').map((s) => parse(s.trim()));
const posInt = (name: string) => (v: string): number => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(`${name}: expected a positive integer, got '${v}'`);
  return x;
};
const posNum = (name: string) => (v: string): number => {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`${name}: expected a number >= 0, got '${v}'`);
  return x;
};
const mode = (v: string): Mode => {
  if (v === 'static') return 'static';
  if (v === 'plastic' || v === 'istdp-ei') return 'istdp-ei';
  throw new InvalidArgumentError(`mode '${v}': allowed static, plastic (= istdp-ei)`);
};

function parseArgs(argv: string[]): Opts {
  const p = new Command('bench:cpu')
    .description('CPU engine benchmark on the Akil 2021 network (one JSON line per N and mode)')
    .option('--N <list>', 'network sizes, comma separated', list(posInt('N')), [1000, 2000, 5000, 10000])
    .option('--modes <list>', 'static, plastic (EI iSTDP on E<-I, as fig3IstdpEi)', list(mode), ['static', 'istdp-ei'] as Mode[])
    .option('--T <s>', 'simulated seconds per run, warm-up included', posNum('T'), 2)
    .option('--warmup <s>', 'simulated seconds discarded before the timer starts', posNum('warmup'), 0.5)
    .option('--repeats <n>', 'timed runs of the normal engine; the median is reported', posInt('repeats'), 3)
    .option('--pass-repeats <n>', 'instrumented runs for the per-pass breakdown (0: none)', posNum('pass-repeats'), 1)
    .option('--threads <list>', 'thread counts (ours, and the Brian2 peer with OpenMP on as many); default 1 and the available cores', list(posInt('threads')))
    .option('--peer <name>', "also run a peer simulator on the same network ('brian2')")
    .option('--out <file>', 'JSON lines file to append to', path.join(HERE, 'results', 'cpu.jsonl'))
    .option('--no-save', 'print only, append nothing')
    .parse(argv);
  const o = p.opts<{ N: number[]; modes: Mode[]; T: number; warmup: number; repeats: number; passRepeats: number; threads?: number[]; peer?: string; out: string; save: boolean }>();
  if (!(o.warmup < o.T)) p.error(`--warmup (${o.warmup}) must be below --T (${o.T})`);
  if (o.peer !== undefined && o.peer !== 'brian2') p.error(`--peer '${o.peer}': allowed brian2`);
  const threads = o.threads ?? [1, os.availableParallelism()];
  return { N: o.N, modes: [...new Set(o.modes)], T: o.T, warmup: o.warmup, repeats: o.repeats, passRepeats: Math.floor(o.passRepeats), threads: [...new Set(threads)], peer: o.peer, out: o.save ? o.out : false };
}

async function benchOne(N: number, m: Mode, threads: number, o: Opts, meta: ReturnType<typeof runMeta>, peerPy: { python: string; version: string } | { error: string } | null): Promise<Record<string, unknown>> {
  const load0 = os.loadavg()[0]!;
  const tb = performance.now();
  const net = buildNetwork(derive(validate(benchSpec(N, m, o.T, o.warmup))));
  const build_s = (performance.now() - tb) / 1000;
  const d = net.derived;
  const warmSteps = d.statsStartStep;
  const sim_s = ((d.nSteps - warmSteps) * d.dt_ms) / 1000;
  const synapses = net.csr.reduce((a, c) => a + c.post.length, 0);

  // Peer: compile and run once first, then its timed runs alternate with ours so that both see the same load.
  const usePeer = o.peer === 'brian2' && peerPy !== null && !('error' in peerPy);
  let peerBase: PeerResult | null = null;
  let peerDir: string | null = null;
  if (usePeer) {
    peerDir = mkdtempSync(path.join(os.tmpdir(), 'plasticnet-brian2-'));
    process.stderr.write(`  N=${N} ${m}: brian2 ${(peerPy as { version: string }).version} peer: generating and compiling...\n`);
    peerBase = buildBrian2((peerPy as { python: string }).python, N, m, threads, o, peerDir);
    if (typeof peerBase.rtf !== 'number') process.stderr.write(`  N=${N} ${m}: brian2 peer failed: ${String(peerBase['error'])}\n`);
  }
  const peerOk = peerBase !== null && typeof peerBase.rtf === 'number';
  const walls: number[] = [];
  const cpus: number[] = [];
  const pWalls: number[] = [];
  const pCpus: number[] = [];
  const starts: number[] = [];
  const used: number[] = [];
  let first: CpuEngine | null = null;
  for (let r = 0; r < o.repeats; r++) {
    const peerRun = (): void => {
      if (!peerOk) return;
      const p = rerunBrian2(peerDir!);
      pWalls.push(p.wall_s);
      pCpus.push(p.cpu_s);
      process.stderr.write(`  N=${N} ${m} ${threads}t brian2 run ${r + 1}/${o.repeats}: ${p.wall_s.toFixed(2)} s wall, rtf ${(p.wall_s / sim_s).toFixed(3)}\n`);
    };
    if (r % 2 === 1) peerRun();
    const { wall_s, cpu_s, start_s, threads_used, eng } = await timedRun(net, warmSteps, threads);
    starts.push(start_s);
    used.push(threads_used);
    walls.push(wall_s);
    cpus.push(cpu_s);
    first ??= eng;
    process.stderr.write(`  N=${N} ${m} ${threads}t run ${r + 1}/${o.repeats}: ${wall_s.toFixed(2)} s wall, rtf ${(wall_s / sim_s).toFixed(3)}\n`);
    if (r % 2 === 0) peerRun();
  }
  if (peerDir) rmSync(peerDir, { recursive: true, force: true });
  const rec = await first!.recordings();
  const counts = rec.neuronStats.spikeCount;
  const spikes = counts.reduce((a, b) => a + b, 0);
  const popRate = (name: string) => {
    const p = d.pops.find((x) => x.name === name)!;
    let s = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) s += counts[i]!;
    return s / p.size / sim_s;
  };
  const { events, inputSpikes } = countEvents(net, counts, warmSteps, d.nSteps);
  const wall = median(walls);

  let passes: Record<string, { s: number; us_per_step: number; frac: number }> | null = null;
  let instrumented_wall_s: number | null = null;
  if (o.passRepeats > 0 && first!.threads === 1) {
    const runs = Array.from({ length: o.passRepeats }, () => instrumentedRun(net, warmSteps));
    for (const r of runs) if (r.spikes !== spikes) throw new Error(`instrumented loop diverged from the engine: ${r.spikes} vs ${spikes} spikes`);
    instrumented_wall_s = round(median(runs.map((r) => r.wall_s)), 5);
    const steps = d.nSteps - warmSteps;
    const per = SCHEDULE.map((p) => median(runs.map((r) => r.pass_s[p]!)));
    const tot = per.reduce((a, b) => a + b, 0);
    passes = Object.fromEntries(SCHEDULE.map((p, i) => [p, { s: round(per[i]!, 4), us_per_step: round((per[i]! / steps) * 1e6, 4), frac: round(per[i]! / tot, 3) }]));
  }

  const line: Record<string, unknown> = {
    bench: 'cpu',
    date: new Date().toISOString(),
    commit: meta.commit,
    host: meta.host,
    backend: 'cpu',
    device: first!.device,
    network: 'akil2021',
    mode: m,
    threads,
    threads_used: Math.min(...used),
    engine_start_s: round(median(starts), 4),
    N,
    synapses,
    spikes,
    input_spikes: inputSpikes,
    rate_E_Hz: round(popRate('E')),
    rate_I_Hz: round(popRate('I')),
    warmup_s: o.warmup,
    sim_s,
    dt_ms: d.dt_ms,
    wall_s: round(wall, 5),
    wall_s_all: walls.map((w) => round(w, 5)),
    rtf: round(wall / sim_s, 4),
    cpu_s: round(median(cpus), 5),
    cpu_s_all: cpus.map((w) => round(w, 5)),
    rtf_cpu: round(median(cpus) / sim_s, 4),
    events,
    events_per_wall_s: round(events / wall, 4),
    passes,
    instrumented_wall_s,
    build_s: round(build_s, 3),
    repeats: o.repeats,
    loadavg_1m: [round(load0, 3)],
  };
  if (o.peer === 'brian2' && peerPy) {
    if ('error' in peerPy || !peerOk) {
      line['peer'] = 'error' in peerPy ? { simulator: 'brian2', error: peerPy.error } : peerBase;
      line['ratio_rtf'] = null;
      line['ratio_rtf_cpu'] = null;
    } else {
      const b = peerBase!;
      const pw = median(pWalls);
      const pc = median(pCpus);
      const { dir: _dir, ...rest } = b;
      line['peer'] = {
        ...rest,
        wall_s: round(pw, 5),
        wall_s_all: pWalls.map((w) => round(w, 5)),
        rtf: round(pw / sim_s, 4),
        cpu_s: round(pc, 5),
        cpu_s_all: pCpus.map((w) => round(w, 5)),
        rtf_cpu: round(pc / sim_s, 4),
        events_per_wall_s: typeof b['events'] === 'number' ? round(b['events'] / pw, 4) : null,
        repeats: o.repeats,
        first_run: { wall_s: b['wall_s'], cpu_s: b['cpu_s'] },
        interleaved: true,
      };
      line['ratio_rtf'] = round(wall / pw, 4);
      line['ratio_rtf_cpu'] = round(median(cpus) / pc, 4);
      line['ratio_rtf_pairs'] = walls.map((w, i) => round(w / pWalls[i]!, 4));
      process.stderr.write(`  N=${N} ${m}: brian2 rtf ${(pw / sim_s).toFixed(3)}, ratio ours/brian2 ${line['ratio_rtf']} (cpu-time ratio ${line['ratio_rtf_cpu']})\n`);
    }
  }
  (line['loadavg_1m'] as number[]).push(round(os.loadavg()[0]!, 3));
  return line;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv);
  const meta = runMeta();
  const peerPy = o.peer === 'brian2' ? brian2Python() : null;
  if (peerPy && 'error' in peerPy) process.stderr.write(`bench:cpu: peer brian2 skipped: ${peerPy.error}\n`);
  process.stderr.write(`bench:cpu ${meta.commit} on ${meta.host}; N ${o.N.join(',')}, modes ${o.modes.join(',')}, T ${o.T} s (first ${o.warmup} s discarded), ${o.repeats} repeats\n`);
  if (o.out) mkdirSync(path.dirname(o.out), { recursive: true });
  for (const N of o.N) {
    for (const m of o.modes) {
      for (const th of o.threads) {
        const line = JSON.stringify(await benchOne(N, m, th, o, meta, peerPy));
        console.log(line);
        if (o.out) appendFileSync(o.out, line + '\n');
      }
    }
  }
}

// Run only as a script (benchSpec is importable, e.g. by profiling scratch code).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
