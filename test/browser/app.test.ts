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
import { runCheck, type RunCheck } from '../../src/output/runCheck.ts';
import { summarizeRun } from '../../src/output/runOutput.ts';
import { loadSpec } from '../../src/cli/loadSpec.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { validate } from '../../src/model/validate.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { withinZ } from '../tolerances.ts';
import { specTag } from '../../src/app/specTag.ts';

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
    const { ratePresets } = await import('../../src/models/rate/presets.ts');
    const options = await page.$$eval('#preset option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(options).toEqual([...presets, ...ratePresets].map((p) => p.name).concat('binas-wta')); // spiking, Soldado-Magraner rate, Binas
    // Headless Chromium's only adapter is SwiftShader (or none): 'auto' must say it uses the CPU worker.
    await waitFor(page, () => document.body.dataset['plan'] !== undefined, 60_000);
    expect(await page.$eval('body', (b) => b.dataset['plan'])).toBe('cpu-worker');
    expect(await page.$eval('#banner', (e) => e.className)).toContain('warn');
    expect(await page.$eval('#banner', (e) => e.textContent)).toMatch(/CPU engine in a Web Worker/);
    // Short help where the quantities appear: Eq 3 beside the rates, j = J·√N and Eq 25 beside the weights.
    const help = await page.$$eval('.panels .help', (ps) => ps.map((p) => p.textContent ?? ''));
    expect(help.some((t) => t.includes('Eq 3') && t.includes('r = −W̄⁻¹ W̄ₓ rₓ'))).toBe(true);
    expect(help.some((t) => t.includes('j = J·√N') && t.includes('Eq 25'))).toBe(true);
    await page.close();
  });

  it('a hostile spec (names, rule, description) from the editor and from a file runs no script and injects no element', async () => {
    const page = await openPage('?preset=akil-istdp-demo');
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self';"); // the built site: no inline styles (vite.config.ts strictCspForBuild)
    expect(csp).not.toContain('unsafe-inline');
    const evil = '<img src=y onerror="alert(2)" class=pwned>';
    const spec = structuredClone(await page.evaluate(() => JSON.parse((document.getElementById('spec-json') as HTMLTextAreaElement).value))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    spec['name'] = evil;
    spec['description'] = `<script>alert(3)</script>${evil}`;
    for (const p of spec['populations']) if (p.name === 'E') p.name = evil;
    for (const pr of spec['projections']) {
      if (pr.pre === 'E') pr.pre = evil;
      if (pr.post === 'E') pr.post = evil;
      if (pr.plasticity) pr.plasticity.rule = `<b class=pwned onmouseover=alert(4)>x</b>`;
    }
    const text = JSON.stringify(spec, null, 2);
    // 1. typed into the JSON editor
    await page.$eval('#spec-json', (el, t) => {
      (el as HTMLTextAreaElement).value = t as string;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
    await waitFor(page, () => (document.getElementById('eta-fields')?.textContent ?? '').includes('<img'), 5_000);
    // 2. loaded as a file
    const file = join(mkdtempSync(join(tmpdir(), 'pn-evil-')), 'evil.json');
    writeFileSync(file, text);
    const input = await page.$('#spec-file');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file);
    await waitFor(page, () => (document.getElementById('preset-desc')?.textContent ?? '').includes('evil.json'), 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.$$eval('.pwned, #eta-fields img, #eta-fields b, #eta-fields script', (els) => els.length)).toBe(0);
    expect(await page.$eval('#eta-fields', (e) => e.textContent ?? '')).toContain(evil); // shown as text
    expect(dialogs).toEqual([]);
    // The names break the name rule: the run is refused with the rule beside the JSON editor.
    await page.click('#run');
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('invalid');
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('editor and form stay in step: broken JSON is kept while N is typed, its line is shown above the editor, the fix applies N', async () => {
    const page = await openPage('?preset=akil-static');
    const good = await page.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value);
    const lines = good.split('\n');
    const k = lines.findIndex((l) => l.includes('"seed"'));
    lines[k] = lines[k]!.replace(':', ''); // "seed" 1234,
    const broken = lines.join('\n');
    const setJson = (t: string) =>
      page.$eval('#spec-json', (el, v) => {
        (el as HTMLTextAreaElement).value = v as string;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, t);
    await setJson(broken);
    await waitFor(page, () => document.getElementById('json-bad-line') !== null, 5_000);
    expect(await page.$eval('#json-errors', (e) => e.textContent)).toContain(`line ${k + 1}`);
    expect(await page.$eval('#json-bad-line', (e) => e.textContent)).toContain(lines[k]!.trim());
    // The message sits above the editor, not below its 320 px.
    const [errTop, boxTop] = await page.evaluate(() => ['json-errors', 'spec-json'].map((id) => document.getElementById(id)!.getBoundingClientRect().top));
    expect(errTop!).toBeLessThan(boxTop!);
    await typeInto(page, '#f-N', '500');
    await waitFor(page, () => (document.getElementById('err-N')?.textContent ?? '').includes('not applied yet'), 5_000);
    expect(await page.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value)).toBe(broken); // the user's text stays
    await page.click('#run');
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('invalid');
    expect(await page.$eval('#device', (e) => e.textContent)).toBe('–');
    // Repair the JSON: the error and the highlighted line go, N = 500 typed meanwhile is applied, Run is allowed.
    await setJson(good);
    await waitFor(page, () => (document.getElementById('json-errors')?.textContent ?? 'x') === '', 5_000);
    expect(await page.$('#json-bad-line')).toBeNull();
    expect(JSON.parse(await page.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value)).N).toBe(500);
    expect(await page.$eval('#f-N', (e) => (e as HTMLInputElement).value)).toBe('500');
    expect(await page.$eval('#err-N', (e) => e.textContent)).toBe('');
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('idle');
    // Without a JSON problem the form writes through to the editor at once.
    await typeInto(page, '#f-N', '600');
    expect(JSON.parse(await page.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value)).N).toBe(600);
    await page.close();
  });

  it('N = 100000 is refused before Run with its synapse and memory estimate', async () => {
    const page = await openPage('?preset=akil-static');
    await typeInto(page, '#f-N', '100000');
    await page.waitForFunction(() => (document.getElementById('err-N')?.textContent ?? '') !== '');
    expect(await page.$eval('#err-N', (e) => e.textContent ?? '')).toMatch(/refused before allocating: N = 100000: about 1\.200e\+9 synapses, [\d.]+ GiB of host memory/);
    await page.click('#run');
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('invalid');
    expect(await page.$eval('#device', (e) => e.textContent)).toBe('–'); // nothing was built
    await page.close();
  });

  it('before Run: synapses, memory and, after a short calibration, an estimated time that scales with T; a time left during the run', async () => {
    const page = await openPage('?preset=akil-static&N=1000&T=1');
    await page.select('#backend', 'cpu');
    await waitFor(page, () => document.body.dataset['plan'] === 'cpu-worker', 30_000);
    expect(await page.$eval('#estimate', (e) => e.textContent)).toMatch(/^Before Run: [\d,]+ synapses, [\d.]+ [KMG]iB of memory; time: not calibrated for the CPU engine/);
    await page.click('#calibrate');
    await waitFor(page, () => document.body.dataset['calibrated'] === 'cpu-worker', 60_000);
    const seconds = async () => Number(await page.$eval('#estimate', (e) => (e as HTMLElement).dataset['seconds'] ?? 'NaN'));
    const t1 = await seconds();
    expect(t1).toBeGreaterThan(0);
    expect(await page.$eval('#estimate', (e) => e.textContent)).toMatch(/about .* on the CPU engine \(build .*calibrated from a 0\.5 s calibration run\)/);
    await typeInto(page, '#f-T', '10');
    await waitFor(page, () => document.getElementById('f-T') !== null && (document.getElementById('estimate') as HTMLElement).dataset['seconds'] !== undefined, 5_000);
    const t10 = await seconds();
    expect(t10 / t1).toBeGreaterThan(5); // the run part scales with T; the build part does not
    // The real run against the estimate; a time left is shown while it runs.
    await typeInto(page, '#f-T', '3');
    const estimate3 = await seconds();
    const t0 = performance.now();
    await page.click('#run');
    await waitFor(page, () => /at the pace so far/.test(document.getElementById('eta')?.textContent ?? '') || document.body.dataset['state'] === 'done', 60_000);
    const sawEta = await page.$eval('#eta', (e) => e.textContent ?? '');
    await waitForResult(page);
    const actual = (performance.now() - t0) / 1000;
    console.log(`[app.test] time estimate ${estimate3.toFixed(2)} s, page run ${actual.toFixed(2)} s (akil-static N = 1000, T = 3 s, CPU worker); eta seen: ${sawEta}`);
    expect(sawEta).toMatch(/at the pace so far/);
    expect(actual / estimate3).toBeGreaterThan(0.1);
    expect(actual / estimate3).toBeLessThan(10);
    await page.close();
  });

  it('the URL carries the preset and the changed fields: a copied address reopens the same spec', async () => {
    const page = await openPage('?preset=akil-istdp-demo');
    expect(new URL(page.url()).search).toBe('?preset=akil-istdp-demo'); // nothing changed yet
    await typeInto(page, '#f-N', '1500');
    const eta = await page.$eval('#eta-fields input', (e) => e.id);
    await typeInto(page, `#${eta}`, '0.002');
    const url = page.url();
    expect(new URL(url).searchParams.get('N')).toBe('1500');
    expect(new URL(url).searchParams.get(eta.slice(2))).toBe('0.002');
    expect(new URL(url).searchParams.has('T')).toBe(false); // unchanged fields stay out
    const spec = await page.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value);
    await page.select('#preset', 'akil-static');
    expect(new URL(page.url()).search).toBe('?preset=akil-static'); // a new preset starts without overrides
    await page.close();
    const again = await openPage(url.slice(base.length + 1));
    expect(await again.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value)).toBe(spec);
    expect(await again.$eval('#preset', (e) => (e as HTMLSelectElement).value)).toBe('akil-istdp-demo');
    await again.close();
  });

  it('N = 1e7 is refused on N itself (value, estimate, limit), with no derived inputs[0].rate_Hz error', async () => {
    const page = await openPage('?preset=akil-static');
    await typeInto(page, '#f-N', '10000000');
    await page.waitForFunction(() => (document.getElementById('err-N')?.textContent ?? '') !== '');
    expect(await page.$eval('#err-N', (e) => e.textContent ?? '')).toMatch(/^refused before allocating: N = 10000000: about [\d.]+e\+\d+ synapses, .*\(allowed: an N whose network fits in [\d.]+ [KMG]iB/);
    expect(await page.$eval('#json-errors', (e) => e.textContent)).toBe('');
    expect(await page.$eval('#f-N', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await page.close();
  });

  it('a bad parameter shows its error beside the field and does not start a run', async () => {
    const page = await openPage('?preset=akil-static');
    await typeInto(page, '#f-N', '-5');
    await page.waitForFunction(() => (document.getElementById('err-N')?.textContent ?? '') !== '');
    const err = await page.$eval('#err-N', (e) => e.textContent ?? '');
    expect(err).toContain('N = -5');
    expect(err).toContain('an integer in [1, 10000000]');
    expect(err.split('\n')).toHaveLength(1); // one error per cause: no derived fraction errors anywhere
    expect(await page.$eval('#json-errors', (e) => e.textContent)).toBe('');
    expect(await page.$eval('#f-N', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await page.click('#run');
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.$eval('body', (b) => b.dataset['state'])).toBe('invalid');
    expect(await page.$eval('#device', (e) => e.textContent)).toBe('–'); // no engine was built
    expect(await page.$eval('#result-json', (e) => e.textContent)).toBe('');
    await page.close();
  });

  it('vogels-single (17 populations) lays out in a page of reasonable height (at most 4 current subplots, none overlapping); a preset switch clears its results; results and downloads carry spec name, tag and run', async () => {
    const page = await openPage('?preset=vogels-single');
    await typeInto(page, '#f-T', '1');
    await page.select('#backend', 'cpu');
    await waitFor(page, () => document.body.dataset['plan'] !== undefined, 60_000);
    await page.click('#run');
    await waitForResult(page);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: join(ARTIFACTS, 'app-vogels-single.png'), fullPage: true });
    // T = 1 s is shorter than one 1500 ms bin: the rate and weight panels say so instead of staying empty.
    expect(await page.$eval('#rates-note', (e) => e.textContent)).toMatch(/^No complete time bin: bins are 1500 ms, the run is T = 1 s/);
    expect(await page.$eval('#weights-note', (e) => e.textContent)).toMatch(/No complete time bin|mean-field/);
    expect(await page.$eval('#up-rates', (e) => (e as HTMLElement).dataset['points'])).toBe('0');
    expect(await page.$eval('#cv-currents', (e) => (e as HTMLElement).dataset['empty'])).toMatch(/^No complete time bin of 1500 ms/);
    console.log(`[app.test] vogels-single page height ${height} px`);
    expect(height).toBeLessThan(4000);
    const boxes = JSON.parse(await page.$eval('#cv-currents', (c) => (c as HTMLCanvasElement).dataset['subplots'] ?? '[]')) as number[][];
    expect(boxes.length).toBe(4); // post and three inputs by default, of 17
    for (const [, , , h] of boxes) expect(h!).toBeGreaterThan(60);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]![1]!).toBeGreaterThan(boxes[i - 1]![1]! + boxes[i - 1]![3]!); // each below the previous
    // Picking one more population adds a subplot; the neurons / inputs groups are labelled.
    expect(await page.$eval('#currents-pick', (e) => e.textContent)).toMatch(/neurons:.*post.*inputs:.*E1/);
    await page.click('#currents-pick input[data-pop="I8"]');
    await waitFor(page, () => JSON.parse((document.getElementById('cv-currents') as HTMLCanvasElement).dataset['subplots'] ?? '[]').length === 5, 5_000);
    // Rows without a value collapse into one closed section.
    const mainRows = await page.$$eval('#stats > table tr', (rs) => rs.filter((r) => r.querySelector('td')).map((r) => Array.from(r.querySelectorAll('td')).some((c) => c.dataset['value'] !== undefined && Number.isFinite(Number(c.dataset['value'])))));
    expect(mainRows.length).toBeGreaterThan(0);
    expect(mainRows.every(Boolean)).toBe(true); // every row shown holds a number
    expect(await page.$eval('#stats-na summary', (e) => e.textContent)).toMatch(/^\d+ rows without a value/);
    expect(await page.$eval('#stats-na', (e) => (e as HTMLDetailsElement).open)).toBe(false);
    const run1 = await page.$eval('#dl-summary', (a) => (a as HTMLAnchorElement).download);
    expect(run1).toMatch(/^vogels-single-[0-9a-f]{8}-run1\.summary\.json$/);
    expect(await page.$eval('#results-label', (e) => e.textContent)).toMatch(/^Run 1: vogels-single, spec #[0-9a-f]{8}, finished\.$/);
    // akil-fig4-opto: switching preset clears the old results; the mean-field curve cannot be computed, and the weight panel says why.
    await page.select('#preset', 'akil-fig4-opto');
    expect(await page.$eval('#exports', (e) => e.childElementCount)).toBe(0);
    expect(await page.$eval('#stats', (e) => e.childElementCount)).toBe(0);
    expect(await page.$eval('#results-label', (e) => e.textContent)).toBe('No results yet: press Run.');
    await typeInto(page, '#f-N', '1000');
    await typeInto(page, '#f-T', '0.2');
    await page.click('#run');
    await waitForResult(page);
    expect(await page.$eval('#weights-note', (c) => (c as HTMLElement).dataset['theory'])).toMatch(/no curve: .*matrix is singular/);
    expect(await page.$eval('#weights-note', (c) => c.textContent)).toMatch(/^No mean-field curve: .*matrix is singular/);
    const run2 = await page.$eval('#dl-summary', (a) => (a as HTMLAnchorElement).download);
    expect(run2).toMatch(/^akil-fig4-opto-[0-9a-f]{8}-run2\.summary\.json$/);
    // Both runs stay listed in the tab's history (newest first), side by side, across the preset switch.
    const hist = await page.$$eval('#history tbody tr', (rs) => rs.map((r) => Array.from(r.querySelectorAll('td')).map((c) => c.textContent ?? '')));
    expect(hist.map((r) => r[0])).toEqual(['2', '1']);
    expect(hist[0]![1]).toBe(`akil-fig4-opto #${run2.split('-')[3]}`);
    expect(hist[1]![1]).toBe(`vogels-single #${run1.split('-')[2]}`);
    expect(hist[0]![7]).toMatch(/^E1 [\d.]+, E2 [\d.]+, I [\d.]+$/); // rates shown
    // Editing the form after a run keeps the results but says they belong to another spec; undoing the edit clears that.
    await typeInto(page, '#f-T', '0.3');
    await waitFor(page, () => (document.body.dataset['results'] ?? '').endsWith(' stale'), 5_000);
    expect(await page.$eval('#results-label', (e) => e.textContent)).toContain('not its results');
    await typeInto(page, '#f-T', '0.2');
    await waitFor(page, () => !(document.body.dataset['results'] ?? ' stale').endsWith(' stale'), 5_000);
    await page.close();
  });

  it('a Soldado-Magraner rate preset runs in the page: rates against the set points, weights, weight plane; two runs overlaid from the history; a custom spec in the URL', async () => {
    const page = await openPage('?preset=soldado-fig4');
    expect(await page.$eval('body', (b) => b.dataset['kind'])).toBe('rate');
    expect(await page.$eval('#f-trials', (e) => (e as HTMLInputElement).value)).toBe('500');
    await typeInto(page, '#f-trials', '30');
    expect(new URL(page.url()).searchParams.get('trials')).toBe('30');
    // Before Run: the size of the work (no time yet: the first rate run calibrates it).
    expect(await page.$eval('#estimate', (e) => e.textContent)).toMatch(/^Before Run: 1 network\(s\) x 2 units, 4 weights each, 30 trials of 20,000 steps/);
    await page.click('#run');
    await waitFor(page, () => document.body.dataset['state'] === 'done' || document.body.dataset['state'] === 'error', 150_000);
    expect(await page.$eval('#status-text', (e) => e.textContent)).toMatch(/^Done: soldado-fig4, 30 trials/);
    // The view holds the set points (E 5 Hz, I 14 Hz) as series beside the rates, 30 trials drawn.
    expect(JSON.parse(await page.$eval('#rate-views', (e) => (e as HTMLElement).dataset['setpoints'] ?? '{}'))).toEqual({ E: 5, I: 14 });
    expect(await page.$eval('#rv-rates', (e) => (e as HTMLElement).dataset['points'])).toBe('30');
    const legend = await page.$eval('#rv-rates', (e) => e.textContent ?? '');
    expect(legend).toContain('E set point 5 Hz');
    expect(legend).toContain('I set point 14 Hz');
    expect(await page.$eval('#rv-weights', (e) => e.textContent ?? '')).toContain('W E<-I on the set-point line');
    expect(await page.$('#rv-plane')).not.toBeNull();
    expect(await page.$eval('#cv-raster', (e) => getComputedStyle(e.closest('figure')!).display)).toBe('none'); // spiking panels hidden
    // The final E rate moves from the initial weights' rate toward the set point (alpha 5e-4, 30 trials: on its way).
    const e30 = Number(await page.$eval('#rv-final-E', (e) => (e as HTMLElement).dataset['value']));
    expect(Number.isFinite(e30)).toBe(true);
    // After one rate run the estimate has a time.
    expect(await page.$eval('#estimate', (e) => e.textContent)).toMatch(/about .* on the CPU rate engine/);
    // A second run with another seed; tick both in the history: their rates overlaid in one chart.
    await typeInto(page, '#f-seed', '7');
    await page.click('#run');
    await waitFor(page, () => document.body.dataset['state'] === 'done' && document.querySelectorAll('#history tbody tr').length === 2, 150_000);
    await page.click('#history input[data-run="1"]');
    await page.click('#history input[data-run="2"]');
    await waitFor(page, () => (document.getElementById('compare') as HTMLElement).dataset['runs'] === '1,2', 5_000);
    const cmp = await page.$eval('#compare', (e) => e.textContent ?? '');
    expect(cmp).toContain('run 1 E');
    expect(cmp).toContain('run 2 I');
    expect(await page.$eval('#compare .chart', (e) => (e as HTMLElement).dataset['points'])).toBe('30');
    await page.screenshot({ path: join(ARTIFACTS, 'app-soldado.png'), fullPage: true });
    // A custom edit in the JSON editor (a nested field) goes into the URL as set=path=value against the preset.
    const spec = JSON.parse(await page.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value));
    spec.populations[0].tau_ms = 12;
    await page.$eval('#spec-json', (el, t) => {
      (el as HTMLTextAreaElement).value = t as string;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, JSON.stringify(spec, null, 2));
    await waitFor(page, () => new URL(location.href).searchParams.getAll('set').length > 0, 5_000);
    const url = new URL(page.url());
    expect(url.searchParams.get('preset')).toBe('soldado-fig4');
    expect(url.searchParams.getAll('set')).toContain('populations[0].tau_ms=12');
    await page.close();
    const again = await openPage(url.href.slice(base.length + 1));
    expect(JSON.parse(await again.$eval('#spec-json', (e) => (e as HTMLTextAreaElement).value))).toEqual(spec);
    await again.close();
    // A hostile set= key is refused and said, not applied.
    const evil = await openPage('?preset=soldado-fig1&set=__proto__.x=1&set=name="<img src=y onerror=alert(1)>"');
    expect(await evil.$eval('#share-note', (e) => e.textContent)).toContain('__proto__');
    expect(await evil.$$eval('img', (els) => els.length)).toBe(0);
    await evil.close();
  });

  it('Stop on a rate run ends it after the trial in flight and keeps the completed trials: views, history, summary.json and .npy', async () => {
    const page = await openPage('?preset=soldado-fig4&trials=200');
    expect(await page.$eval('#stop', (b) => (b as HTMLButtonElement).disabled)).toBe(true); // nothing to stop
    await page.click('#run');
    await waitFor(page, () => /^trial ([3-9]|\d\d+) of 200$/.test(document.getElementById('sim-time')?.textContent ?? ''), 150_000);
    expect(await page.$eval('#stop', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await page.click('#stop');
    await waitFor(page, () => ['stopped', 'done', 'error'].includes(document.body.dataset['state'] ?? ''), 60_000);
    const status = await page.$eval('#status-text', (e) => e.textContent ?? '');
    const k = Number(/^Stopped \(stop from the page\) after (\d+) of 200 trials/.exec(status)?.[1]);
    expect(k, status).toBeGreaterThanOrEqual(3);
    expect(k).toBeLessThan(200);
    // the views hold the k completed trials; the history row says stopped early, k of 200
    expect(await page.$eval('#rv-rates', (e) => (e as HTMLElement).dataset['points'])).toBe(String(k));
    expect(await page.$eval('#results-label', (e) => e.textContent)).toContain('stopped early');
    const row = await page.$eval('#history tbody tr', (e) => e.textContent ?? '');
    expect(row).toContain('(stopped early)');
    expect(row).toContain(`${k} of 200 trials`);
    // downloads: summary.json with trials / trialsRequested / stopped, trial means B x k x P
    const summary = await page.$eval('#dl-summary', async (a) => (await fetch((a as HTMLAnchorElement).href)).json());
    expect([summary.trials, summary.trialsRequested, summary.stopped]).toEqual([k, 200, { reason: 'stop from the page', afterTrial: k }]);
    const npy = decodeNpy(Uint8Array.from(await page.$eval('#exports a[download$=".trial_mean_Hz.npy"]', async (a) => Array.from(new Uint8Array(await (await fetch((a as HTMLAnchorElement).href)).arrayBuffer())))));
    expect(npy.shape).toEqual([1, k, 2]);
    expect(Array.from(npy.data as Float32Array).every(Number.isFinite)).toBe(true);
    expect(await page.$eval('#run', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await page.close();
  });

  it('a rate preset on the WebGPU rate twin (SwiftShader, chosen in the form) ends near the CPU worker run', async () => {
    const page = await openPage('?preset=soldado-fig4&trials=12');
    await page.select('#backend', 'cpu');
    await waitFor(page, () => document.body.dataset['plan'] === 'cpu-worker', 30_000);
    await page.click('#run');
    await waitFor(page, () => document.body.dataset['state'] === 'done' || document.body.dataset['state'] === 'error', 120_000);
    const cpu = Number(await page.$eval('#rv-final-E', (e) => (e as HTMLElement).dataset['value']));
    await page.select('#backend', 'webgpu');
    await waitFor(page, () => document.body.dataset['plan'] !== undefined, 60_000);
    await page.click('#run');
    await waitFor(page, () => document.body.dataset['state'] === 'running' || document.body.dataset['state'] === 'error', 60_000);
    await waitFor(page, () => document.body.dataset['state'] === 'done' || document.body.dataset['state'] === 'error', 240_000);
    expect(await page.$eval('#status-text', (e) => e.textContent)).toMatch(/^Done: soldado-fig4, 12 trials/);
    expect(await page.$eval('#device', (e) => e.textContent)).toMatch(/^WebGPU rate engine on /);
    const gpu = Number(await page.$eval('#rv-final-E', (e) => (e as HTMLElement).dataset['value']));
    console.log(`[app.test] soldado-fig4, 12 trials: final E ${cpu} Hz (CPU worker) vs ${gpu} Hz (WebGPU twin, SwiftShader)`);
    expect(cpu).toBeGreaterThan(0);
    expect(Math.abs(gpu - cpu)).toBeLessThan(1e-3 * cpu); // same draws; floats differ by bounded amounts (test/gpu/rate.test.ts)
    await page.close();
  });

  it('a Binas WTA circuit runs in the page: rates over a pattern, winner accuracy and class weights over training', async () => {
    const page = await openPage('?preset=binas-wta&trials=40');
    expect(await page.$eval('body', (b) => b.dataset['kind'])).toBe('binas');
    await page.click('#run');
    await waitFor(page, () => document.body.dataset['state'] === 'done' || document.body.dataset['state'] === 'error', 150_000);
    expect(await page.$eval('#status-text', (e) => e.textContent)).toMatch(/^Done: binas-wta, 40 patterns/);
    expect(await page.$eval('#rv-pattern', (e) => e.textContent ?? '')).toContain('I1');
    expect(Number(await page.$eval('#rv-pattern', (e) => (e as HTMLElement).dataset['points']))).toBeGreaterThan(10);
    expect(Number(await page.$eval('#rv-accuracy', (e) => (e as HTMLElement).dataset['points']))).toBe(20); // blocks of 2 patterns
    expect(await page.$eval('#rv-classes', (e) => e.textContent ?? '')).toContain('I->E');
    expect(await page.$eval('#rv-summary', (e) => e.textContent ?? '')).toMatch(/correct winners, last 20 s/);
    expect(await page.$eval('#exports', (e) => e.textContent ?? '')).toContain('summary.json');
    expect(pageErrors).toEqual([]);
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
    // Build progress reached the end; the covariance plot on the page holds the three pairs with finite values.
    expect(await page.$eval('body', (b) => b.dataset['build'])).toBe('1.000');
    expect(await page.$eval('#up-cov', (e) => (e as HTMLElement).dataset['pairs'])).toBe('E-E,E-I,I-I');
    const covs = (await page.$eval('#up-cov', (e) => (e as HTMLElement).dataset['simulated'] ?? '')).split(',');
    expect(covs).toHaveLength(3);
    expect(covs.every((v) => Number.isFinite(Number(v)))).toBe(true);
    // Neuron choice in the raster: one population's recorded neurons only.
    const allRows = Number(await page.$eval('#cv-raster', (e) => (e as HTMLElement).dataset['rows']));
    await page.select('#raster-pop', '1');
    await waitFor(page, () => Number((document.getElementById('cv-raster') as HTMLElement).dataset['rows']) > 0 && (document.getElementById('raster-pop') as HTMLSelectElement).value === '1', 5_000);
    await new Promise((r) => setTimeout(r, 300));
    const iRows = Number(await page.$eval('#cv-raster', (e) => (e as HTMLElement).dataset['rows']));
    expect(iRows).toBeGreaterThan(0);
    expect(iRows).toBeLessThan(allRows);
    const box = (await (await page.$('#cv-raster'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await waitFor(page, () => /^neuron \d+ \(I\), t = [\d.]+ s$/.test(document.getElementById('raster-hover')?.textContent ?? ''), 5_000);
    // The worker's engine ran its WebAssembly kernels (src/engine/cpu/kernels.wat), not the JS fallback.
    expect(await page.$eval('#device', (e) => e.textContent)).toContain('WebAssembly kernels');
    // The page shows the rates it computed, to 4 significant digits.
    for (const [pop, r] of Object.entries(web.check.rates_Hz)) expect(web.shownRates[pop]).toBe(r.toPrecision(4));
    // Exports are there: summary.json holds the same rates.
    const summary = await page.$eval('#dl-summary', async (a) => (await fetch((a as HTMLAnchorElement).href)).json());
    expect((summary as { populations: Record<string, { rate_Hz: number }> }).populations['E']!.rate_Hz).toBe(web.check.rates_Hz['E']);
    expect(await page.$$eval('#exports a[download$=".svg"]', (as) => as.length)).toBeGreaterThan(4);
    // .npy: numpy's format; per-neuron rates average to the population rate shown.
    // Results and downloads are labelled with the spec's name and tag (and the run number in this tab).
    const stem = `akil-static-${specTag(web.spec)}-run1`;
    expect(await page.$eval('#results-label', (e) => e.textContent)).toContain(`Run 1: akil-static, spec #${specTag(web.spec)}, finished.`);
    expect(await page.$eval('#dl-summary', (a) => (a as HTMLAnchorElement).download)).toBe(`${stem}.summary.json`);
    const npy = decodeNpy(Uint8Array.from(await page.$eval(`a[download="${stem}.rates_Hz.npy"]`, async (a) => Array.from(new Uint8Array(await (await fetch((a as HTMLAnchorElement).href)).arrayBuffer())))));
    expect(npy.shape).toEqual([1000]);
    expect(Array.from(npy.data.subarray(0, 800)).reduce((x, y) => x + y, 0) / 800).toBeCloseTo(web.check.rates_Hz['E']!, 10);
    // PNG: the raster figure's SVG rendered through a canvas, downloaded.
    const downloads = mkdtempSync(join(tmpdir(), 'plasticnet-dl-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('#exports .fig button');
    const png = join(downloads, `${stem}.raster.png`);
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
