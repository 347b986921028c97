// `plasticnet export --format pynn|sonata <run|spec> --out <dir>`: hand a network and its learned weights
// to distributed simulators (docs/scale-out.md). `plasticnet import <sonata-dir> --out <dir>`: read a SONATA
// export back into a weights directory for `plasticnet run <dir>/spec.json --init-weights <dir>`.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { ProjectionWeights } from '../../network/initWeights.ts';
import { buildNetwork } from '../../network/network.ts';
import { collectNetwork, projectionsOf } from '../../io/export/network.ts';
import { exportPynn } from '../../io/export/pynn.ts';
import { exportSonata, ImportError, readSonata } from '../../io/export/sonata.ts';
import { planPynn, SIMULATORS, type Simulator } from '../../io/export/targets.ts';
import { exportWeights } from '../../io/weightsFile.ts';
import { derive } from '../../model/derive.ts';
import { UsageError } from '../loadSpec.ts';

const FORMATS = ['pynn', 'sonata'] as const;
type Format = (typeof FORMATS)[number];

function prepareOut(dir: string, force: boolean): void {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !force) throw new UsageError(`output directory '${dir}' exists and is not empty (use --force to overwrite)`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create output directory '${dir}': ${(e as Error).message}`);
  }
}

export interface ExportFlags {
  format: Format;
  out: string;
  force: boolean;
  simulator: Simulator;
  allowApproximate: boolean;
  quiet: boolean;
  spec?: string; // --spec: export this spec with the learned weights of <src>
}

export async function exportCommand(ref: string, o: ExportFlags): Promise<number> {
  const t0 = performance.now();
  const x = collectNetwork(ref, o.spec);
  if (o.format === 'pynn') {
    const plan = planPynn(x.net.derived, o.simulator);
    if (plan.approximations.length === 0 || o.allowApproximate) prepareOut(o.out, o.force);
    const r = exportPynn(x, o.out, { simulator: o.simulator, allowApproximate: o.allowApproximate });
    if (!o.quiet) {
      for (const a of r.plan.approximations) console.log(`approximation: ${a}`);
      console.log(`wrote ${r.files.length} files to ${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s; run: python3 ${join(o.out, 'run_pynn.py')} (or under mpirun)`);
    }
  } else {
    prepareOut(o.out, o.force);
    const files = await exportSonata(x, o.out);
    if (!o.quiet) console.log(`wrote ${files.length} SONATA files to ${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${x.projections.reduce((a, p) => a + p.pre.length, 0)} edges)`);
  }
  return 0;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

export async function importCommand(dir: string, o: { out: string; force: boolean; quiet: boolean }): Promise<number> {
  const s = await readSonata(dir);
  const net = buildNetwork(derive(s.spec));
  const d = net.derived;
  for (const p of d.pops) {
    const v = s.v0.get(p.name);
    if (v && !same(v, net.v0.subarray(p.offset, p.offset + p.size)))
      throw new ImportError(`${dir}: initial V of population ${p.name} differs from what seed ${s.spec.seed} builds; plasticnet draws V0 from the seed, so these cannot be reproduced`);
  }
  const seedBuilt = projectionsOf(net);
  const weights: ProjectionWeights[] = [];
  const lines: string[] = [];
  for (const [i, e] of s.projections.entries()) {
    const pr = d.projections[i]!;
    const b = seedBuilt[i]!;
    if (!same(e.delay_ms, b.delay_ms))
      throw new ImportError(`${dir}: the delays of projection ${pr.name} differ from what seed ${s.spec.seed} builds (projections[${i}].delay); plasticnet draws delays from the seed, so these cannot be reproduced`);
    const identical = same(e.pre, b.pre) && same(e.post, b.post) && same(e.J, b.J);
    if (!pr.plastic) {
      if (!identical) throw new ImportError(`${dir}: static projection ${pr.name} differs from what seed ${s.spec.seed} builds; plasticnet loads synapses and weights into plastic projections only`);
      lines.push(`${pr.name}: ${e.pre.length} synapses, static, identical to the seed-built ones`);
      continue;
    }
    weights.push({
      name: pr.name,
      pre: Int32Array.from(e.pre, (k) => k + pr.pre.offset),
      post: Int32Array.from(e.post, (k) => k + pr.post.offset),
      J: e.J,
      j: Float32Array.from(e.J, (x) => x / pr.jScale),
      jScale: pr.jScale,
    });
    lines.push(`${pr.name}: ${e.pre.length} synapses, plastic, ${identical ? 'as the seed builds them' : 'learned weights'}`);
  }
  prepareOut(o.out, o.force);
  exportWeights({ source: dir, N: s.spec.N, spec: s.spec, projections: weights }, o.out);
  if (!o.quiet) {
    for (const l of lines) console.log(l);
    console.log(`wrote ${o.out}; run it with: plasticnet run ${join(o.out, 'spec.json')} --init-weights ${o.out}`);
  }
  return 0;
}

/** Registers `export` and `import` on the program. */
export function registerExchangeCommands(p: Command): void {
  p.command('export')
    .description('hand a network and its learned weights to other simulators: a PyNN script (NEURON, NEST) or SONATA HDF5 (docs/scale-out.md)')
    .argument('<src>', 'a run directory, a .pnck checkpoint, a weights directory, a preset name or a spec .json')
    .requiredOption('--format <name>', `one of ${FORMATS.join(', ')}`, (v: string) => {
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format '${v}': allowed ${FORMATS.join(', ')}`);
      return v;
    })
    .requiredOption('--out <dir>', 'directory to write')
    .option('--simulator <name>', `pynn: ${SIMULATORS.join(' | ')}`, (v: string) => {
      if (!(SIMULATORS as readonly string[]).includes(v)) throw new UsageError(`--simulator '${v}': allowed ${SIMULATORS.join(', ')}`);
      return v;
    }, 'neuron')
    .option('--spec <spec>', 'export this preset or spec .json (other T, plasticity start, ...) with the learned weights of <src>')
    .option('--allow-approximate', 'export models and rules without an exact equivalent anyway (listed in the README)', false)
    .option('--force', 'overwrite a non-empty output directory', false)
    .option('--quiet', 'no summary', false)
    .action(async (src: string, o: Record<string, unknown>) => {
      process.exitCode = await exportCommand(src, {
        format: o['format'] as Format,
        out: o['out'] as string,
        force: o['force'] as boolean,
        simulator: o['simulator'] as Simulator,
        allowApproximate: o['allowApproximate'] as boolean,
        quiet: o['quiet'] as boolean,
        ...(o['spec'] !== undefined ? { spec: o['spec'] as string } : {}),
      });
    });
  p.command('import')
    .description('read a SONATA export back into a weights directory (spec.json + learned weights) for `run --init-weights`')
    .argument('<dir>', 'a directory written by `plasticnet export --format sonata`')
    .requiredOption('--out <dir>', 'weights directory to write')
    .option('--force', 'overwrite a non-empty output directory', false)
    .option('--quiet', 'no summary', false)
    .action(async (dir: string, o: Record<string, unknown>) => {
      process.exitCode = await importCommand(dir, { out: o['out'] as string, force: o['force'] as boolean, quiet: o['quiet'] as boolean });
    });
}
