// The browser app, end to end in headless Chromium (Debian's /usr/bin/chromium, SwiftShader for WebGPU):
// the static site is built with Vite's JS API and served by a plain static file server on 127.0.0.1, as any
// static host would serve dist/. The page runs a preset configuration picked through the form; its numbers
// are compared with a Node run of the same spec and seed. Control: a bad parameter shows its inline error
// and starts nothing. A screenshot goes to test/artifacts/app.png.
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, type RunCheck } from '../../src/analysis/runCheck.ts';
import { summarizeRun } from '../../src/analysis/runOutput.ts';
import { loadSpec } from '../../src/cli/loadSpec.ts';
import { runSimulation } from '../../src/engine/simulation.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { validate } from '../../src/model/validate.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { withinZ } from '../tolerances.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test/artifacts');
const CHROMIUM = '/usr/bin/chromium';
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.wgsl': 'text/plain' };

let site = '';
let server: Server;
let browser: Browser;
let userDataDir = '';
let base = '';
const pageErrors: string[] = [];

/** A static file server for `dir` (no Vite involved): what `npm run build` output gets from any host. */
function serve(dir: string): Promise<Server> {
  const s = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

async function openPage(query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`${m.text()} (${m.location().url ?? ''})`));
  await page.goto(`${base}/${query}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset['state'] === 'idle');
  await waitFor(page, () => document.body.dataset['plan'] !== undefined, 60_000); // engine banner settled
  return page;
}

/** Replaces an input's text the way a user types it. */
/** What the page says about its run (for failure messages). */
const pageStatus = (page: Page): Promise<string> =>
  page.evaluate(() => ['state', 'status-text', 'sim-time', 'device', 'banner'].map((id) => `${id}: ${id === 'state' ? document.body.dataset['state'] : document.getElementById(id)?.textContent}`).join('; '));

/** page.waitForFunction that reports the page's status when it times out. */
async function waitFor(page: Page, fn: () => boolean, timeout: number): Promise<void> {
  try {
    await page.waitForFunction(fn, { timeout, polling: 200 });
  } catch (e) {
    throw new Error(`${(e as Error).message}; page: ${await pageStatus(page)}; page errors: ${pageErrors.join(' | ')}`);
  }
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.click(selector, { count: 3 });
  await page.keyboard.press('Backspace');
  await page.type(selector, text);
}

/** Picks preset, N, T and backend through the form and presses Run. */
async function startRun(page: Page, o: { preset: string; N: number; T: number; backend: string }): Promise<void> {
  await page.select('#preset', o.preset);
  await typeInto(page, '#f-N', String(o.N));
  await typeInto(page, '#f-T', String(o.T));
  await page.select('#backend', o.backend);
  // Wait until the page has said which engine Run will use (the banner text may change size meanwhile).
  await waitFor(page, () => document.body.dataset['plan'] !== undefined, 60_000);
  await page.click('#run');
  await waitFor(page, () => document.body.dataset['state'] !== 'idle', 10_000);
}

/** Waits for the run to end; returns the page's result JSON and the rates it shows. */
async function waitForResult(page: Page): Promise<{ check: RunCheck; spec: NetworkSpec; state: string; shownRates: Record<string, string> }> {
  await waitFor(page, () => ['done', 'stopped', 'error'].includes(document.body.dataset['state'] ?? ''), 150_000);
  const state = await page.$eval('body', (b) => b.dataset['state'] ?? '');
  if (state === 'error') throw new Error(`page run failed: ${await page.$eval('#status-text', (e) => e.textContent)}`);
  const out = JSON.parse(await page.$eval('#result-json', (e) => e.textContent ?? '')) as { check: RunCheck; spec: NetworkSpec };
  const shownRates = await page.$$eval('[id^="stat-rate-"]', (els) => Object.fromEntries(els.map((e) => [e.id.slice('stat-rate-'.length), e.textContent ?? ''])));
  return { ...out, state, shownRates };
}

const nodeRuns = new Map<string, RunCheck>();

/** The same spec and seed in Node on the CPU engine, reduced to the same check numbers (cached per spec). */
async function nodeRun(spec: NetworkSpec): Promise<RunCheck> {
  const key = JSON.stringify(spec);
  if (!nodeRuns.has(key)) {
    const r = await runSimulation(structuredClone(spec), { backend: 'cpu' });
    const { summary } = summarizeRun(r, { commit: 'test', date: '', host: 'node' });
    nodeRuns.set(key, runCheck(r, summary));
  }
  return nodeRuns.get(key)!;
}

const SMALL = { preset: 'akil-static', N: 1000, T: 1 };

beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'plasticnet-site-'));
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: site, emptyOutDir: true } });
  server = await serve(site);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'plasticnet-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  for (const d of [site, userDataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('browser app (headless Chromium, static build)', () => {
  it('lists every preset and shows the engine banner', async () => {
    const page = await openPage('');
    const { presets } = await import('../../src/presets/index.ts');
    const options = await page.$$eval('#preset option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(options).toEqual(presets.map((p) => p.name));
    // Headless Chromium's only adapter is SwiftShader (or none): 'auto' must say it uses the CPU worker.
    await waitFor(page, () => document.body.dataset['plan'] !== undefined, 60_000);
    expect(await page.$eval('body', (b) => b.dataset['plan'])).toBe('cpu-worker');
    expect(await page.$eval('#banner', (e) => e.className)).toContain('warn');
    expect(await page.$eval('#banner', (e) => e.textContent)).toMatch(/CPU engine in a Web Worker/);
    await page.close();
  });

  it('a bad parameter shows its error beside the field and does not start a run', async () => {
    const page = await openPage('?preset=akil-static');
    await typeInto(page, '#f-N', '-5');
    await page.waitForFunction(() => (document.getElementById('err-N')?.textContent ?? '') !== '');
    const err = await page.$eval('#err-N', (e) => e.textContent ?? '');
    expect(err).toContain('N = -5');
    expect(err).toContain('an integer in [1, 10000000]');
    expect(await page.$eval('#f-N', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await page.click('#run');
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('invalid');
    expect(await page.$eval('#device', (e) => e.textContent)).toBe('–'); // no engine was built
    expect(await page.$eval('#result-json', (e) => e.textContent)).toBe('');
    await page.close();
  });

  it('runs akil-static (N = 1000, T = 1 s) on the CPU worker with the same spikes as a Node run', async () => {
    const page = await openPage('');
    const t0 = performance.now();
    await startRun(page, { ...SMALL, backend: 'auto' });
    const web = await waitForResult(page);
    const pageSeconds = (performance.now() - t0) / 1000;
    await page.screenshot({ path: join(ARTIFACTS, 'app.png'), fullPage: true });
    expect(web.state).toBe('done');
    expect(web.spec.N).toBe(1000);
    expect(web.spec.T_s).toBe(1);
    expect(web.check.backend).toBe('cpu');
    expect(web.check.steps).toBe(10_000);
    // The worker's engine ran its WebAssembly kernels (src/engine/cpu/kernels.wat), not the JS fallback.
    expect(await page.$eval('#device', (e) => e.textContent)).toContain('WebAssembly kernels');
    // The page shows the rates it computed, to 4 significant digits.
    for (const [pop, r] of Object.entries(web.check.rates_Hz)) expect(web.shownRates[pop]).toBe(r.toPrecision(4));
    // Exports are there: summary.json holds the same rates.
    const summary = await page.$eval('#dl-summary', async (a) => (await fetch((a as HTMLAnchorElement).href)).json());
    expect((summary as { populations: Record<string, { rate_Hz: number }> }).populations['E']!.rate_Hz).toBe(web.check.rates_Hz['E']);
    expect(await page.$$eval('#exports a[download$=".svg"]', (as) => as.length)).toBeGreaterThan(4);
    // .npy: numpy's format; per-neuron rates average to the population rate shown.
    const npy = decodeNpy(Uint8Array.from(await page.$eval('a[download="rates_Hz.npy"]', async (a) => Array.from(new Uint8Array(await (await fetch((a as HTMLAnchorElement).href)).arrayBuffer())))));
    expect(npy.shape).toEqual([1000]);
    expect(Array.from(npy.data.subarray(0, 800)).reduce((x, y) => x + y, 0) / 800).toBeCloseTo(web.check.rates_Hz['E']!, 10);
    // PNG: the raster figure's SVG rendered through a canvas, downloaded.
    const downloads = mkdtempSync(join(tmpdir(), 'plasticnet-dl-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('#exports .fig button');
    const png = join(downloads, 'raster.png');
    for (let i = 0; i < 100 && !existsSync(png); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    // spec.json: loads in the CLI (loadSpec + validate) and back into the page through the file input.
    const specText = await page.$eval('#exports a[download$=".spec.json"]', async (a) => (await fetch((a as HTMLAnchorElement).href)).text());
    const specFile = join(downloads, 'exported.spec.json');
    writeFileSync(specFile, specText);
    expect(validate(loadSpec(specFile))).toEqual(web.spec);
    await page.close();
    const again = await openPage('?preset=akil-istdp-demo');
    await (await again.$('input#spec-file'))!.uploadFile(specFile);
    await waitFor(again, () => (document.getElementById('f-N') as HTMLInputElement).value === '1000', 10_000);
    expect(await again.$eval('#f-T', (e) => (e as HTMLInputElement).value)).toBe('1');
    expect(await again.$eval('#preset', (e) => (e as HTMLSelectElement).value)).toBe('');
    await again.close();
    rmSync(downloads, { recursive: true, force: true });

    // The CPU engine is deterministic: identical spikes, so identical counts, rates and statistics.
    const node = await nodeRun(web.spec);
    console.log(`[app.test] page run ${pageSeconds.toFixed(1)} s; rates page ${JSON.stringify(web.check.rates_Hz)} node ${JSON.stringify(node.rates_Hz)}; spikes ${JSON.stringify(web.check.spikes)}; counts hash ${web.check.countsHash}`);
    expect(web.check.spikes).toEqual(node.spikes);
    expect(web.check.countsHash).toBe(node.countsHash);
    expect(web.check.rasterCount).toBe(node.rasterCount);
    expect(web.check.rasterHash).toBe(node.rasterHash);
    expect(web.check.rates_Hz).toEqual(node.rates_Hz);
    expect(web.check.pairs).toEqual(node.pairs);
    expect(Object.values(web.check.spikes).every((n) => n > 100)).toBe(true); // a network that fires
    expect(pageErrors).toEqual([]);
  });

  it('runs it with the WebGPU engine on SwiftShader (chosen in the form); Pause holds the run; statistics agree with Node', async () => {
    const page = await openPage('');
    await startRun(page, { ...SMALL, backend: 'webgpu' });
    await waitFor(page, () => document.body.dataset['state'] === 'running' && (document.getElementById('progress') as HTMLProgressElement).value > 0, 120_000);
    expect(await page.$eval('#banner', (e) => e.textContent)).toMatch(/WebGPU engine on .*software adapter/);
    // Pause: simulated time stops (after the chunk in flight) and the page keeps answering; Resume goes on.
    await page.click('#pause');
    // The chunk in flight may take seconds on a loaded software adapter (a fixed 600 ms wait was flaky):
    // wait until simulated time has stood still for 1 s (a pause that never holds fails here after 60 s).
    const simTime = (): Promise<string | null> => page.$eval('#sim-time', (e) => e.textContent);
    let held = await simTime();
    for (let tries = 0; ; tries++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await simTime();
      if (now === held) break;
      expect(tries, `simulated time still moving ${tries + 1} s after Pause`).toBeLessThan(60);
      held = now;
    }
    // The paused page keeps answering: ten round trips through its event loop, each a 100 ms page timer (event
    // waits, no wall-clock bound, which a loaded machine can break), and simulated time stays where it stopped.
    for (let k = 0; k < 10; k++) await page.evaluate(() => new Promise<void>((r) => setTimeout(r, 100)));
    expect(await simTime()).toBe(held);
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('paused');
    await page.click('#pause'); // now labelled Resume
    const web = await waitForResult(page);
    await page.screenshot({ path: join(ARTIFACTS, 'app-webgpu.png'), fullPage: true });
    await page.close();
    expect(web.state).toBe('done');
    expect(web.check.backend).toBe('webgpu');
    expect(web.check.steps).toBe(10_000);
    // Statistical agreement (test/tolerances.ts policy): each population's spike count over the statistics
    // interval within Z = 5 Poisson standard errors (sqrt(count)) of the Node CPU run. Identical spikes are
    // expected while no float threshold tie occurs, but only the statistics are required.
    const node = await nodeRun(web.spec);
    const identical = web.check.countsHash === node.countsHash && web.check.rasterHash === node.rasterHash;
    console.log(`[app.test] WebGPU (SwiftShader) spikes ${JSON.stringify(web.check.spikes)} vs CPU ${JSON.stringify(node.spikes)}; rates ${JSON.stringify(web.check.rates_Hz)}; identical spike trains: ${identical}`);
    for (const [pop, n] of Object.entries(node.spikes)) expect(withinZ(web.check.spikes[pop]!, n, Math.sqrt(n)), `spikes of ${pop}`).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
