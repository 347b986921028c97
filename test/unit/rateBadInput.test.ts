// Bad rate input (issue 16): a negative time constant, a gain <= 0, a rule on a weight class that does not exist and a
// batch that does not fit are refused with the field, its value and the allowed range (SpecError; exit 2 on the CLI),
// never a NaN run. (Binas input, issue 17: test/unit/binasCli.test.ts and binasNetwork.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/model/validate.ts';
import { deriveRate } from '../../src/models/rate/derive.ts';
import { soldadoSpec } from '../../src/models/rate/presets.ts';
import { checkRateBatchFits, checkRateGpuFits, rateGpuBuffers, rateHostBytes } from '../../src/models/rate/resources.ts';
import type { RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';

const base = (): RateSpec => soldadoSpec({ name: 'bad', rule: 'cross-homeostatic', trials: 2 });
/** The SpecError message of validating `edit(base())`. */
function refusal(edit: (s: RateSpec) => void): string {
  const s = base();
  edit(s);
  try {
    validateRateSpec(s);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as Error).message;
  }
  return expect.unreachable('accepted') as never;
}

describe('bad rate input is refused with the field, value and allowed range', () => {
  it('negative time constants (unit and OU noise), gain <= 0', () => {
    expect(refusal((s) => (s.populations[0]!.tau_ms = -10))).toContain('populations[0].tau_ms = -10: allowed a finite number in (0,');
    expect(refusal((s) => (s.populations[0]!.noise = { sigma: 10, tau_ms: -1 }))).toMatch(/populations\[0\]\.noise\.tau_ms = -1: allowed/);
    expect(refusal((s) => (s.populations[1]!.gain = 0))).toMatch(/populations\[1\]\.gain = 0: allowed/);
    expect(refusal((s) => (s.populations[1]!.gain = -2))).toMatch(/populations\[1\]\.gain = -2: allowed/);
  });

  it('a rule on a weight class that does not exist names the missing block', () => {
    const m = refusal((s) => (s.weights = s.weights.filter((w) => !(w.post === 'I' && w.pre === 'I'))));
    expect(m).toContain("plasticity = \"I<-I\": allowed a weight class that exists: the rule needs all four blocks between 'E' and 'I'");
    expect(refusal((s) => (s.plasticity = { ...(s.plasticity as object), inhibitory: 'PV' } as RateSpec['plasticity']))).toMatch(/plasticity\.inhibitory = "PV"/);
  });

  it('a batch whose run does not fit the memory limit, or whose buffers exceed the device limits (estimated bytes named)', () => {
    const m = deriveRate(validateRateSpec({ ...base(), batch: 1000 }));
    const bytes = rateHostBytes(m);
    expect(bytes).toBeGreaterThan(1000 * 4 * 4); // at least the weights
    expect(() => checkRateBatchFits(m, bytes - 1, 1e12)).toThrow(/batch = 1000: allowed a batch whose run needs at most .* \(--max-memory\); this one needs/);
    expect(() => checkRateBatchFits(m, bytes, 1e12)).not.toThrow();
    expect(() => checkRateBatchFits(m, undefined, bytes)).toThrow(/80% of this machine's/);
    const g = rateGpuBuffers(m);
    expect(g.state).toBe(6 * 1000 * 2 * 4);
    expect(() => checkRateGpuFits(m, { maxStorageBufferBindingSize: g.state - 1, maxBufferSize: 1e9 })).toThrow(/batch = 1000: allowed a batch whose state \(48000 bytes\) fit this device's storage-buffer limit/);
    expect(() => checkRateGpuFits(m, { maxStorageBufferBindingSize: 1e9, maxBufferSize: g.weights - 1 })).toThrow(/whose weights \(16000 bytes\)/);
    expect(() => checkRateGpuFits(m, { maxStorageBufferBindingSize: g.state, maxBufferSize: g.state })).not.toThrow();
  });

  it('on the CLI: exit 2 before the output directory is touched (batch over --max-memory, also for a sweep cell), and sweep refuses spiking-only flags on a rate spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-ratebad-'));
    const f = join(dir, 'big.json');
    writeFileSync(f, JSON.stringify({ ...base(), batch: 1000 }));
    const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
    const r = cli(['run', f, '--max-memory', '10KiB', '--out', join(dir, 'o')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/batch = 1000: allowed a batch whose run needs at most 10.0 KiB \(--max-memory\); this one needs \d+ KiB/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
    const sw = cli(['sweep', 'soldado-fig4', '--N', '1000', '--out', join(dir, 's')]);
    expect(sw.status).toBe(2);
    expect(sw.stderr).toContain("--N does not apply to a rate network (kind 'rate'): sweep its fields with --set");
    const sm = cli(['sweep', f, '--seeds', '1,2', '--max-memory', '10KiB', '--out', join(dir, 's')]);
    expect(sm.status, sm.stderr).toBe(2);
    expect(sm.stderr).toMatch(/batch = 1000: allowed a batch whose run needs at most 10.0 KiB/);
    expect(existsSync(join(dir, 's'))).toBe(false);
  }, 120_000);
});
