// Hostile fuzzing (issue 15, fast-check with a fixed seed): names, nesting, sizes and files. Every case
// must end as a named refusal (SpecError or UsageError) or be accepted with its guarantees holding: an
// accepted name is in the safe grammar and every output file built from it stays under --out; deep or
// truncated JSON never overflows the stack and is located inside the text; a size is either refused
// with its numbers or estimated within a factor of the built network; device, /proc and FIFO files are
// refused without reading them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { parseJsonWithPosition, readSpecText, UsageError } from '../../src/cli/loadSpec.ts';
import { checkResources } from '../../src/cli/resources.ts';
import { safeJoin } from '../../src/io/safePath.ts';
import { tagOf } from '../../src/io/weightsFile.ts';
import { derive } from '../../src/model/derive.ts';
import { estimateResources } from '../../src/model/estimate.ts';
import { isSafeName } from '../../src/model/names.ts';
import { SpecError, validate } from '../../src/model/validate.ts';
import { getPreset } from '../../src/presets/index.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261203);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tiny = (): Json => {
  const s = structuredClone(getPreset('akil-istdp-demo')) as unknown as Json;
  Object.assign(s, { N: 100, T_s: 0.01 });
  s['recording'] = { ...s['recording'], statsStart_s: 0.005, window_ms: 1, bin_ms: 1 };
  return s;
};

const PIECES = ['..', '/', '\\', '\u0000', '<-', '\u001b[31m', '\u202e', '__proto__', 'constructor', ' ', '.', '-', '_', 'é', '😀', 'E', 'x', '9', '\n', '"', '<img src=x onerror=alert(1)>'];
const nameArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,70}$/),
);

describe('fuzz: hostile names', () => {
  it('a name is accepted only in the safe grammar, and every file named after it stays under --out', () => {
    const out = '/tmp/pn-out';
    fc.assert(
      fc.property(nameArb, fc.constantFrom('spec', 'population', 'input', 'signal'), (name, where) => {
        const s = tiny();
        if (where === 'spec') s['name'] = name;
        else if (where === 'input') {
          const old = s['inputs'][0].name;
          s['inputs'][0].name = name;
          for (const p of s['projections']) if (p.pre === old) p.pre = name;
        } else if (where === 'signal') s['signals'] = [{ name, channels: 2, tau_ms: 5 }];
        else {
          for (const p of s['projections']) {
            if (p.pre === 'I') p.pre = name;
            if (p.post === 'I') p.post = name;
          }
          s['populations'][1].name = name;
        }
        let ok = false;
        try {
          validate(s);
          ok = true;
        } catch (e) {
          if (!(e instanceof SpecError)) throw e;
        }
        if (!isSafeName(name)) expect(ok, 'a name outside the grammar was accepted').toBe(false);
        else if (!['E', 'I', 'X'].includes(name)) expect(ok, 'a safe, unused name was refused').toBe(true); // E, I, X: already taken
        if (ok) for (const f of [`weights_${tagOf(`${name}<-E`)}_j.npy`, `weights_${tagOf(`E<-${name}`)}_Jscaled.npy`]) expect(resolve(safeJoin(out, f)).startsWith(`${out}/`)).toBe(true);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});

describe('fuzz: nesting and truncation', () => {
  it('nested or cut JSON is parsed or refused with a position inside the text, never a stack overflow', () => {
    const textArb = fc
      .tuple(fc.integer({ min: 1, max: 30000 }), fc.constantFrom('[', '{"a":', '[{"b":'), fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([depth, open, closed, cut]) => {
        const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
        const full = `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
        return full.slice(0, Math.max(1, Math.round(full.length * (cut < 0.5 ? 1 : cut))));
      });
    fc.assert(
      fc.property(textArb, fc.boolean(), (text, bom) => {
        try {
          parseJsonWithPosition(bom ? `\ufeff${text}` : text, 'f.json');
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          const m = /line (\d+), column (\d+)/.exec((e as Error).message);
          if (m) expect(Number(m[2])).toBeLessThanOrEqual(text.length + 1);
        }
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });
});

describe('fuzz: sizes', () => {
  it('any N and p is refused with its numbers past the limit, else its estimate brackets the built network', () => {
    const limit = 2 ** 30;
    let built = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (N, p, fixed) => {
        const s = tiny();
        s['N'] = N;
        for (const pr of s['projections']) {
          pr.p = p;
          if (fixed) pr.connectivity = 'fixed-indegree';
        }
        let spec;
        try {
          spec = validate(s);
        } catch (e) {
          if (e instanceof SpecError) return;
          throw e;
        }
        const est = estimateResources(spec);
        try {
          checkResources(spec, limit);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          expect((e as Error).message).toMatch(/about [\d.e+]+ synapses, [\d.]+ [KMGTP]?i?B of host memory/);
          expect(est.hostBytes > limit || est.oversized.length > 0).toBe(true);
          return;
        }
        expect(est.hostBytes).toBeLessThanOrEqual(limit);
        if (est.synapses > 3e5 || N > 20000) return; // build only the small ones
        const net = buildNetwork(derive(spec));
        const real = net.csr.reduce((a, c) => a + c.post.length, 0);
        built++;
        expect(Math.abs(real - est.synapses)).toBeLessThanOrEqual(0.1 * est.synapses + 6 * Math.sqrt(est.synapses) + 10);
      }),
      { seed: SEED + 2, numRuns: 300 },
    );
    expect(built).toBeGreaterThan(10);
  });
});

describe.skipIf(process.platform !== 'linux')('hostile files', () => {
  it('devices, /proc files, FIFOs and directories are refused without being read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-files-'));
    const fifo = join(dir, 'spec.json');
    const made = spawnSync('mkfifo', [fifo]).status === 0;
    const cases = ['/dev/zero', '/dev/urandom', '/dev/null', '/proc/self/status', '/proc/self/cmdline', dir, ...(made ? [fifo] : [])];
    for (const f of cases) {
      const t0 = performance.now();
      expect(() => readSpecText(f), f).toThrow(UsageError);
      expect(performance.now() - t0, f).toBeLessThan(1000); // a FIFO read would block forever
    }
  });
});
