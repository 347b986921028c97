// Mutation harness (issue 25): applies each physics mutant of scripts/mutants/list.ts, one at a time, to a
// temporary copy of the repository and runs its killing tests there; a mutant is 'killed' when they fail.
//   npm run test:mutants                       every mutant; writes docs/mutants.json and docs/mutants.md
//   npm run test:mutants -- --ci               the CI-sized subset (mutants marked ci), no report files
//   npm run test:mutants -- --only a,b         the named mutants (no report files)
//   npm run test:mutants -- --list             list the mutants and check every search text, run nothing
// Exit status: 0 every mutant killed; 1 a mutant survived or the unmutated baseline failed; 3 a search text was
// not found exactly once (a refactor moved the code: update the mutant's search text, same physics).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { MUTANTS, type Mutant } from './mutants/list.ts';

const ROOT = resolve(import.meta.dirname, '..');
const COPY = ['src', 'shaders', 'test', 'bench', 'scripts', 'package.json', 'tsconfig.json', 'vitest.config.ts', 'vite.config.ts'];
const TIMEOUT_S = 900; // per vitest invocation

type Status = 'killed' | 'survived' | 'search-not-found' | 'search-ambiguous';
interface Result {
  id: string;
  description: string;
  status: Status;
  killers: string[];
  /** Failed tests, as 'file > describe > test'. */
  failedTests: string[];
  wall_s: number;
  detail?: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function selectMutants(): Mutant[] {
  const only = arg('--only');
  if (only !== undefined) {
    const ids = only.split(',');
    const bad = ids.filter((id) => !MUTANTS.some((m) => m.id === id));
    if (bad.length) {
      console.error(`--only: unknown mutant ${bad.join(', ')} (known: ${MUTANTS.map((m) => m.id).join(', ')})`);
      process.exit(2);
    }
    return MUTANTS.filter((m) => ids.includes(m.id));
  }
  return process.argv.includes('--ci') ? MUTANTS.filter((m) => m.ci) : MUTANTS;
}

const count = (hay: string, needle: string): number => (needle ? hay.split(needle).length - 1 : 0);

/** 'ok', or why a mutant's edits cannot be applied to the files under `root` (edits apply in order). */
function checkEdits(root: string, m: Mutant): { status: 'ok' | 'search-not-found' | 'search-ambiguous'; detail?: string } {
  const text = new Map<string, string>();
  for (const e of m.edits) {
    const path = join(root, e.file);
    if (!existsSync(path)) return { status: 'search-not-found', detail: `${e.file} does not exist` };
    const t = text.get(e.file) ?? readFileSync(path, 'utf8');
    const n = count(t, e.search);
    if (n === 0) return { status: 'search-not-found', detail: `${e.file}: search text not found: ${JSON.stringify(e.search)}` };
    if (n > 1) return { status: 'search-ambiguous', detail: `${e.file}: search text found ${n} times: ${JSON.stringify(e.search)}` };
    text.set(e.file, t.replace(e.search, () => e.replace));
  }
  return { status: 'ok' };
}

/** A copy of the repository's sources and tests in a temporary directory, node_modules linked. */
function makeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plasticnet-mutants-'));
  for (const p of COPY) if (existsSync(join(ROOT, p))) cpSync(join(ROOT, p), join(dir, p), { recursive: true, filter: (src) => !relative(ROOT, src).split(sep).includes('node_modules') });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'), 'dir');
  return dir;
}

interface VitestJson {
  testResults?: { name: string; assertionResults?: { status: string; fullName: string }[]; message?: string; status?: string }[];
}

/** Runs vitest on `files` in `dir`; returns whether everything passed and the failed tests. */
function runTests(dir: string, files: string[]): { passed: boolean; failed: string[]; wall_s: number; note?: string } {
  const out = join(dir, '.mutant-report.json');
  rmSync(out, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...files, '--reporter=json', `--outputFile=${out}`], {
    cwd: dir,
    encoding: 'utf8',
    timeout: TIMEOUT_S * 1000,
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall_s = (performance.now() - t0) / 1000;
  if (r.error || r.signal) return { passed: false, failed: [], wall_s, note: `vitest did not finish: ${r.error?.message ?? r.signal}` };
  const failed: string[] = [];
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8')) as VitestJson;
    for (const f of j.testResults ?? []) {
      const file = relative(dir, f.name);
      const bad = (f.assertionResults ?? []).filter((a) => a.status === 'failed');
      for (const a of bad) failed.push(`${file} > ${a.fullName}`);
      if (!bad.length && f.status === 'failed') failed.push(`${file} (suite failed: ${(f.message ?? '').split('\n')[0]})`);
    }
  }
  return { passed: r.status === 0, failed, wall_s, ...(r.status !== 0 && !failed.length ? { note: (r.stderr || r.stdout).split('\n').slice(-20).join('\n') } : {}) };
}

function applyEdits(dir: string, m: Mutant): Map<string, string> {
  const originals = new Map<string, string>();
  for (const e of m.edits) {
    const path = join(dir, e.file);
    const t = readFileSync(path, 'utf8');
    if (!originals.has(e.file)) originals.set(e.file, t);
    writeFileSync(path, t.replace(e.search, () => e.replace));
  }
  return originals;
}

function restore(dir: string, originals: Map<string, string>): void {
  for (const [file, text] of originals) writeFileSync(join(dir, file), text);
}

function markdown(results: Result[], baseline: { files: string[]; wall_s: number }, total_s: number): string {
  const rows = results.map((r) => {
    const byFile = r.killers.map((f) => {
      const fails = r.failedTests.filter((t) => t.startsWith(`${f} `));
      return fails.length ? `${f.replace('test/unit/', '')}: ${fails.length} failed, e.g. ${fails[0]!.slice(f.length + 3).replace(/\|/g, '\\|')}` : `${f.replace('test/unit/', '')}: passed`;
    });
    return `| \`${r.id}\` | ${r.description} | **${r.status}** | ${byFile.join('<br>')}${r.detail ? `<br>${r.detail}` : ''} | ${r.wall_s.toFixed(1)} |`;
  });
  const killed = results.filter((r) => r.status === 'killed').length;
  return [
    '# Physics mutants (issue 25)',
    '',
    'Generated by `npm run test:mutants` (scripts/mutants.ts; the mutants are defined in scripts/mutants/list.ts). Each',
    'mutant is one physics error applied alone to a temporary copy of the repository; its killing tests (all part of',
    '`npm test`, none of them golden checksums) must then fail. The CI-sized subset (`--ci`, marked in the list) runs',
    'in `.ci/run` after `npm test`. A search text that is no longer found exactly once fails the harness (exit 3).',
    '',
    `Run: ${new Date().toISOString()}, ${hostname()} (${cpus().length} cores, ${cpus()[0]?.model ?? '?'}), total ${total_s.toFixed(0)} s;`,
    `unmutated baseline of the killing tests passed in ${baseline.wall_s.toFixed(1)} s (${baseline.files.join(', ')}).`,
    '',
    `**${killed} of ${results.length} mutants killed.**`,
    '',
    '| mutant | physics error | status | killing tests (per file: failures, the first one) | wall s |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Why these tests are physics and not pinned constants: synapsePhysics.test.ts compares the postsynaptic current',
    'of one spike per projection class with J/tau, exp-Euler decay with the presynaptic tau_syn and charge J;',
    'akilPhysics.test.ts compares network mean currents with Campbell\'s theorem at the measured rates and rates with',
    'Eq 3 (bands from 20 seeds, test/unit/bands.ts); neuron.test.ts compares interspike intervals with the exact',
    'first-passage time and current decay with exp(-t/tau); plasticity.test.ts compares weight changes with the',
    'closed-form pair rule and the STDP window d^k; stepOrder.test.ts checks the SPEC §2.5 update order where it is',
    'observable; input.test.ts checks input rates and count correlations; vogelsNeuron.test.ts checks the relaxation',
    'of V to the effective reversal potential under constant conductances.',
    '',
  ].join('\n');
}

function main(): void {
  const mutants = selectMutants();
  const listOnly = process.argv.includes('--list');
  let broken = 0;
  for (const m of mutants) {
    const c = checkEdits(ROOT, m);
    if (c.status !== 'ok') {
      broken++;
      console.error(`MUTANT ${m.id}: ${c.status.toUpperCase()}: ${c.detail}`);
    } else if (listOnly) console.log(`${m.id.padEnd(28)} ${m.ci ? 'ci ' : '   '}${m.description}  [${m.killers.join(', ')}]`);
  }
  if (broken) {
    console.error(`${broken} mutant(s) cannot be applied: the code they target has moved. Update their search texts in scripts/mutants/list.ts.`);
    process.exit(3);
  }
  if (listOnly) return;

  const t0 = performance.now();
  const dir = makeCopy();
  try {
    const files = [...new Set(mutants.flatMap((m) => m.killers))].sort();
    console.log(`baseline: ${files.join(' ')} (unmutated, must pass)`);
    const base = runTests(dir, files);
    if (!base.passed) {
      console.error(`BASELINE FAILED (${base.wall_s.toFixed(0)} s): the killing tests fail without any mutant:\n${base.failed.join('\n')}\n${base.note ?? ''}`);
      process.exitCode = 1;
      return;
    }
    console.log(`baseline passed in ${base.wall_s.toFixed(1)} s`);
    const results: Result[] = [];
    for (const m of mutants) {
      const originals = applyEdits(dir, m);
      const r = runTests(dir, m.killers);
      restore(dir, originals);
      const status: Status = r.passed ? 'survived' : 'killed';
      results.push({ id: m.id, description: m.description, status, killers: m.killers, failedTests: r.failed, wall_s: r.wall_s, ...(r.note ? { detail: r.note } : {}) });
      console.log(`${status === 'killed' ? 'KILLED  ' : 'SURVIVED'} ${m.id.padEnd(28)} ${r.wall_s.toFixed(1).padStart(6)} s  ${r.failed.length} failed test(s)${r.failed[0] ? `, e.g. ${r.failed[0]}` : ''}${r.note ? `\n  ${r.note}` : ''}`);
    }
    const total_s = (performance.now() - t0) / 1000;
    const survived = results.filter((r) => r.status !== 'killed');
    const full = arg('--only') === undefined && !process.argv.includes('--ci');
    if (full) {
      const docs = join(ROOT, 'docs');
      const baseline = { files, wall_s: base.wall_s };
      writeFileSync(join(docs, 'mutants.json'), JSON.stringify({ date: new Date().toISOString(), machine: `${hostname()}, ${cpus().length} cores`, total_s, baseline, results }, null, 1) + '\n');
      writeFileSync(join(docs, 'mutants.md'), markdown(results, baseline, total_s));
      console.log('wrote docs/mutants.json and docs/mutants.md');
    }
    console.log(`${results.length - survived.length} of ${results.length} mutants killed in ${total_s.toFixed(0)} s${survived.length ? `; SURVIVED: ${survived.map((r) => r.id).join(', ')}` : ''}`);
    process.exitCode = survived.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
