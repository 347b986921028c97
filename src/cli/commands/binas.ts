// plasticnet binas <binas-wta|spec.json>: runs a Binas et al. 2014 WTA circuit on the rate engine (CPU reference)
// and writes <out>/summary.json (winner accuracy, inhibitory synchrony, weights per class) and <out>/report.svg
// (rates of every population over the first and last patterns, winners, accuracy over training, weights over time).
// A bad spec is a SpecError naming the field (exit status 2).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutputs } from '../../output/writeOutputs.ts';
import { binasWta } from '../../models/binas/presets.ts';
import { accuracyPanel, ratesPanel, weightsPanel, winnerPanel } from '../../models/binas/report.ts';
import { runBinas } from '../../models/binas/run.ts';
import { runRateBackend } from '../../models/rate/command.ts';
import type { BinasSpec } from '../../models/binas/spec.ts';
import { validateBinasSpec } from '../../models/binas/validate.ts';
import { loadSpec, UsageError } from '../loadSpec.ts';

export interface BinasFlags {
  out: string;
  force: boolean;
  quiet: boolean;
  backend?: 'cpu' | 'webgpu'; // default cpu (circuits are small; webgpu runs a batch of circuits in parallel)
  patterns?: number;
  batch?: number;
  seed?: number;
}

/** The spec of a preset name ('binas-wta', 'binas-wta-typical') or a spec .json file, with flag overrides. */
export function binasSpecFrom(ref: string, f: Omit<BinasFlags, 'out' | 'force' | 'quiet' | 'backend'>): BinasSpec {
  let raw: Record<string, unknown>;
  if (ref === 'binas-wta' || ref === 'binas-wta-typical') raw = binasWta({ typical: ref === 'binas-wta-typical' }) as unknown as Record<string, unknown>;
  else if (ref.endsWith('.json') || ref.includes('/')) raw = loadSpec(ref);
  else throw new UsageError(`unknown Binas preset '${ref}': allowed binas-wta, binas-wta-typical, or a spec .json path`);
  const s = structuredClone(raw) as Record<string, unknown> & { protocol?: Record<string, unknown>; recording?: Record<string, unknown> };
  if (f.patterns !== undefined && s.protocol) {
    s.protocol['count'] = f.patterns;
    if (s.recording) for (const k of ['traceFirst', 'traceLast']) if (typeof s.recording[k] === 'number') s.recording[k] = Math.min(s.recording[k] as number, f.patterns);
  }
  if (f.batch !== undefined) s['batch'] = f.batch;
  if (f.seed !== undefined) s['seed'] = f.seed;
  return validateBinasSpec(s);
}

export async function binasCommand(ref: string, f: BinasFlags): Promise<number> {
  const spec = binasSpecFrom(ref, f);
  if (existsSync(f.out) && readdirSync(f.out).length > 0 && !f.force) throw new UsageError(`output directory '${f.out}' exists and is not empty (use --force to overwrite)`);
  mkdirSync(f.out, { recursive: true });
  const { result: r, analysis: a } = await runRateBackend(() => runBinas(spec, {
    backend: f.backend === 'webgpu' ? 'webgpu' : 'cpu', // auto: the CPU reference (small circuits)
    onTrial: (t, T) => {
      if (!f.quiet && (t === T || t % Math.max(1, Math.round(T / 10)) === 0)) process.stderr.write(`pattern ${t} / ${T}\n`);
    },
  }));
  const T = r.recordings.trials;
  const first = Array.from({ length: Math.min(spec.recording.traceFirst, T) }, (_, k) => k + 1);
  const last = Array.from({ length: Math.min(spec.recording.traceLast, T) }, (_, k) => T - Math.min(spec.recording.traceLast, T) + k + 1);
  const panels = [ratesPanel(spec, r, first, 'rates, first patterns (circuit 0)'), ratesPanel(spec, r, last, 'rates, last patterns (circuit 0)'), winnerPanel(a, first, spec.protocol.pattern_ms, 'winners, first patterns'), winnerPanel(a, last, spec.protocol.pattern_ms, 'winners, last patterns'), accuracyPanel(a, spec.protocol.pattern_ms), weightsPanel(spec, r, a)];
  const W = 620, H = 340;
  const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${3 * H}" viewBox="0 0 ${2 * W} ${3 * H}">`, `<rect width="${2 * W}" height="${3 * H}" fill="#fff"/>`, ...panels.map((p, i) => p.replace(/^<svg /, `<svg x="${(i % 2) * W}" y="${Math.floor(i / 2) * H}" `)), '</svg>'].join('\n');
  const summary = { spec, backend: r.backend, device: r.device, wall_s: r.wall_s, accuracyFirst20s: a.accuracyFirst, accuracyLast20s: a.accuracyLast, hardLast20s: a.hardLast, inhSyncLast20s: a.inhSyncLast, oscillating: { first: a.oscillatingFirst, last: a.oscillatingLast }, accuracyByBlock: a.accuracyByBlock, block: a.block, weights: a.weights };
  writeOutputs(f.out, [{ name: 'report.svg', text: svg }, { name: 'summary.json', json: summary }]); // the one output writer (safeJoin, OutputWriteError)
  if (!f.quiet) {
    console.log(`correct winners: first 20 s ${(100 * a.accuracyFirst).toFixed(1)}%, last 20 s ${(100 * a.accuracyLast).toFixed(1)}%; inhibitory mismatch ${a.inhSyncLast.toExponential(2)}`);
    for (const w of a.weights) console.log(`  ${w.cls.padEnd(18)} ${w.initial.toFixed(3)} -> ${w.final.toFixed(3)}`);
    console.log(`wrote ${join(f.out, 'summary.json')} and report.svg (${r.wall_s.toFixed(1)} s on ${r.device})`);
  }
  return 0;
}
