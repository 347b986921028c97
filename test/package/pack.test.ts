// plasticnet as its users get it: `npm pack` (whose prepack builds dist/), the tarball installed into an
// empty temporary project, and there (a) examples/node-script imports the library in Node and runs a small
// network on the CPU engine, (b) the compiled CLI and the `plasticnet` bin start with no tsx anywhere in the
// project and run a preset, (c) tsc type-checks a consumer file against the shipped .d.ts (skipLibCheck off),
// (d) Vite bundles examples/page, which a static server serves to headless Chromium, where it runs a small
// CPU network. Results in Node and in the browser are compared with the sources' own run (same spec, seed).
//
// npm pack runs on a copy of the package's inputs (PACK_INPUTS), so this checkout's dist/ is never touched.
// Offline: the tarball is installed by npm; its dependencies are `file:` links to this checkout's installed
// node_modules (the same versions `npm ci` put there), so no registry is asked. Vite, tsc and puppeteer-core
// run from this checkout and are not in the temporary project.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { withOverrides } from '../../src/model/overrides.ts';
import { getPreset } from '../../src/presets/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MODULES = realpathSync(path.join(ROOT, 'node_modules'));
const CHROMIUM = '/usr/bin/chromium';
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const SMALL = { preset: 'akil-istdp-demo', N: 300, T_s: 0.1 };

let work = '';
let proj = '';
let packed: string[] = [];

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** What the sources give for the same spec (CPU engine): the reference for the packaged runs. */
async function reference(): Promise<{ steps: number; spikes: number; rasterCount: number }> {
  const r = await runSimulation(withOverrides(getPreset(SMALL.preset), { N: SMALL.N, T_s: SMALL.T_s }), { backend: 'cpu' });
  return { steps: r.recordings.steps, spikes: r.recordings.neuronStats.spikeCount.reduce((a, b) => a + b, 0), rasterCount: r.recordings.raster.count };
}

/** What `npm pack` needs of a checkout (prepack = npm run build:lib); packing a copy leaves this checkout's dist/ alone. */
const PACK_INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'bin', 'src', 'shaders', 'scripts/build-shaders.ts', 'scripts/dist-worker-url.mjs'];

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'plasticnet-pack-'));
  // Pack a copy: prepack deletes and rebuilds dist/, which bin/plasticnet.js may be running from in another test.
  const checkout = path.join(work, 'checkout');
  for (const f of PACK_INPUTS) cpSync(path.join(ROOT, f), path.join(checkout, f), { recursive: true });
  symlinkSync(MODULES, path.join(checkout, 'node_modules'), 'dir');
  const json = run('npm', ['pack', '--json', '--pack-destination', work], checkout);
  const info = JSON.parse(json.slice(json.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
  packed = info[0]!.files.map((f) => f.path).sort();
  const tarball = path.join(work, info[0]!.filename);
  proj = path.join(work, 'consumer');
  mkdirSync(proj);
  const deps: Record<string, string> = { plasticnet: `file:${tarball}` };
  for (const d of [...Object.keys(PKG.dependencies), '@types/node']) deps[d] = `file:${path.join(MODULES, d)}`; // @types/node: for the plasticnet/node consumer
  writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], proj);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack -> install into an empty project', () => {
  it('the tarball holds dist (JS, .d.ts, the compiled CLI), bin, README and LICENSE; no sources, tests or shaders folder', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/plasticnet.js', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts', 'dist/cli/main.js', 'dist/engine/webgpu/shaders.gen.js'])
      expect(packed, f).toContain(f);
    const outside = packed.filter((f) => !/^(dist\/|bin\/)/.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
    expect(outside).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const installed = path.join(proj, 'node_modules/plasticnet');
    expect(statSync(installed).isDirectory() && !existsSync(path.join(installed, 'src'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).version).toBe(PKG.version);
  });

  it('(a) Node: examples/node-script imports the library and runs a small network on the CPU engine, as the sources do', async () => {
    copyFileSync(path.join(ROOT, 'examples/node-script/run.mjs'), path.join(proj, 'run.mjs'));
    const out = path.join(proj, 'out');
    const got = JSON.parse(run(process.execPath, ['run.mjs', SMALL.preset, String(SMALL.N), String(SMALL.T_s), out], proj)) as { backend: string; steps: number; spikes: number; rates_Hz: Record<string, number> };
    const want = await reference();
    expect(got.backend).toBe('cpu');
    expect(got.steps).toBe(want.steps);
    expect(got.spikes).toBe(want.spikes);
    expect(got.rates_Hz['E']).toBeGreaterThan(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['summary.json', 'report.html', 'spec.json', 'rates_Hz.npy']));
    // A bad spec is the library's SpecError, printed with the field (exit 2 from the example).
    const bad = spawnSync(process.execPath, ['run.mjs', SMALL.preset, '-5', '1'], { cwd: proj, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/invalid network spec:\n {2}N = -5: allowed an integer in \[1, /);
  });

  it('(b) the compiled CLI starts and runs a preset with no tsx in the project', () => {
    expect(existsSync(path.join(proj, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(proj, 'node_modules/.bin/tsx'))).toBe(false);
    expect(existsSync(path.join(proj, 'node_modules/plasticnet/node_modules'))).toBe(false);
    const main = path.join(proj, 'node_modules/plasticnet/dist/cli/main.js');
    expect(run(process.execPath, [main, '--help'], proj)).toMatch(/^Usage: plasticnet /);
    const out = path.join(proj, 'cli-out');
    run(process.execPath, [main, 'run', SMALL.preset, '--N', String(SMALL.N), '--T', `${SMALL.T_s}s`, '--out', out, '--quiet'], proj);
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).meta.N).toBe(SMALL.N);
  });

  // bin/plasticnet.js runs dist/cli/main.js in-process in an installed package (no tsx, no child process).
  it('(b) `plasticnet --help` from the installed bin starts without tsx', () => {
    const bin = path.join(proj, 'node_modules/.bin/plasticnet');
    expect(existsSync(bin)).toBe(true);
    const r = spawnSync(bin, ['--help'], { cwd: proj, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: plasticnet /);
  });

  it('(c) a consumer file type-checks against the shipped .d.ts (NodeNext and Bundler, skipLibCheck off); misuse is a type error', () => {
    writeFileSync(
      path.join(proj, 'consumer.ts'),
      [
        "import { Simulation, SpecError, getPreset, theory, validate, withOverrides, type NetworkSpec, type Recordings, type Summary } from 'plasticnet';",
        "const spec: NetworkSpec = withOverrides(getPreset('akil-static'), { N: 500, T_s: 0.2 });",
        'export async function go(device?: GPUDevice): Promise<number> {',
        "  const sim = await Simulation.create(validate(spec), { backend: device ? 'webgpu' : 'cpu', ...(device ? { device } : {}) });",
        '  const rec: Recordings = await sim.run({ onProgress: (p) => void p.rtf });',
        '  const s: Summary = await sim.summary();',
        '  sim.dispose();',
        "  return rec.raster.count + (s.populations['E']?.rate_Hz ?? 0) + theory.hzToKhz(1);",
        '}',
        'export const isSpecError = (e: unknown): boolean => e instanceof SpecError && e.issues.length > 0;',
        '// @ts-expect-error advance takes a step count',
        "export const bad1 = (s: Simulation) => s.advance('ten');",
        '// @ts-expect-error a backend is an engine name (a string; unknown names are refused at run time)',
        "export const bad2 = () => Simulation.create(spec, { backend: 42 });",
        '',
      ].join('\n'),
    );
    // Node users (NodeNext) and bundler users (Bundler: Vite, esbuild, webpack) resolve the package differently.
    for (const [module, moduleResolution] of [['NodeNext', 'NodeNext'], ['ESNext', 'Bundler']] as const) {
      const config = `tsconfig.${moduleResolution}.json`;
      writeFileSync(
        path.join(proj, config),
        JSON.stringify({ compilerOptions: { target: 'ES2022', module, moduleResolution, lib: ['ES2022', 'DOM'], types: [], strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false }, files: ['consumer.ts'] }),
      );
      const r = spawnSync(process.execPath, [path.join(MODULES, 'typescript/bin/tsc'), '-p', config], { cwd: proj, encoding: 'utf8' });
      expect(r.stdout + r.stderr, moduleResolution).toBe('');
      expect(r.status).toBe(0);
    }
    // plasticnet/node, for Node users (with @types/node). The GPUDevice types (@webgpu/types) refer to DOM
    // types, so a consumer needs lib DOM, or skipLibCheck (README, Library).
    writeFileSync(
      path.join(proj, 'consumer-node.ts'),
      [
        "import { Simulation } from 'plasticnet';",
        "import { readNpy, writeRunOutputs } from 'plasticnet/node';",
        'export async function save(sim: Simulation, dir: string): Promise<number> {',
        '  const files: string[] = writeRunOutputs(dir, sim.spec, await sim.outputs());',
        "  return files.length + readNpy(`${dir}/rates_Hz.npy`).shape[0]!;",
        '}',
        '// @ts-expect-error the spec comes second',
        "export const bad = (sim: Simulation) => writeRunOutputs(sim.spec, 'out', null);",
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(proj, 'tsconfig.node.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: ['node'], strict: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false }, files: ['consumer-node.ts'] }),
    );
    const r = spawnSync(process.execPath, [path.join(MODULES, 'typescript/bin/tsc'), '-p', 'tsconfig.node.json'], { cwd: proj, encoding: 'utf8' });
    expect(r.stdout + r.stderr, 'plasticnet/node').toBe('');
    expect(r.status).toBe(0);
  });

  it('(d) Vite bundles examples/page; served statically, it runs a small CPU network in headless Chromium', async () => {
    const page = path.join(proj, 'page');
    mkdirSync(page);
    for (const f of ['index.html', 'main.js']) copyFileSync(path.join(ROOT, 'examples/page', f), path.join(page, f));
    run(process.execPath, [path.join(MODULES, 'vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', 'dist'], page);
    const site = path.join(page, 'dist');
    const bundle = readdirSync(path.join(site, 'assets')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(site, 'assets', f), 'utf8')).join('\n');
    expect(bundle).toContain('@compute'); // the WGSL is inlined in the bundle
    expect(bundle).not.toMatch(/from\s*["']node:/);

    const server = await serveStatic(site);
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'plasticnet-pack-chromium-'));
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      const { port } = server.address() as AddressInfo;
      await tab.goto(`http://127.0.0.1:${port}/?preset=${SMALL.preset}&N=${SMALL.N}&T=${SMALL.T_s}&backend=cpu`, { waitUntil: 'load' });
      await tab.waitForFunction(() => document.body.dataset['state'] === 'done' || document.body.dataset['state'] === 'error', { timeout: 120_000, polling: 200 });
      const state = await tab.evaluate(() => ({ state: document.body.dataset['state'], status: document.getElementById('status')?.textContent ?? '', result: document.getElementById('result')?.textContent ?? '' }));
      expect(state.state, `${state.status}; page errors: ${errors.join(' | ')}`).toBe('done');
      const got = JSON.parse(state.result) as { backend: string; steps: number; spikes: number; rasterCount: number };
      const want = await reference();
      expect(got).toMatchObject({ backend: 'cpu', steps: want.steps, spikes: want.spikes, rasterCount: want.rasterCount });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});

/** A plain static file server for `dir` on 127.0.0.1 (what any static host does with a Vite build). */
function serveStatic(dir: string): Promise<Server> {
  const mime: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const s = createServer((req, res) => {
    const rel = path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(dir, rel);
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(dir + path.sep) || !existsSync(file)) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': mime[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}
