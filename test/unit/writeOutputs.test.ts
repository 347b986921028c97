// The one output writer (src/output/writeOutputs.ts): names checked before any write, errno failures as
// OutputWriteError naming the output directory, and the run output list in its order.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputWriteError } from '../../src/io/checkpointFile.ts';
import { readNpy } from '../../src/io/files.ts';
import { UnsafePathError } from '../../src/io/safePath.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { runOutputList, writeOutputs } from '../../src/output/writeOutputs.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'pn-wo-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writeOutputs', () => {
  it('writes the run output list in order: spec.json, arrays, summary.json, report.html', () => {
    const dir = tmp();
    const spec = { name: 'x' } as unknown as NetworkSpec;
    const list = runOutputList(spec, { summary: { a: 1 }, arrays: [{ name: 'rates_Hz', data: new Float64Array([1, 2]), shape: [2] }], reportHtml: '<p>r</p>' });
    expect(list.map((f) => f.name)).toEqual(['spec.json', 'rates_Hz.npy', 'summary.json', 'report.html']);
    expect(writeOutputs(dir, list)).toEqual(['spec.json', 'rates_Hz.npy', 'summary.json', 'report.html']);
    expect(readdirSync(dir).sort()).toEqual(['rates_Hz.npy', 'report.html', 'spec.json', 'summary.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'))).toEqual({ a: 1 });
    expect(Array.from(readNpy(path.join(dir, 'rates_Hz.npy')).data)).toEqual([1, 2]);
  });

  it('refuses an unsafe name before writing anything', () => {
    const dir = tmp();
    expect(() => writeOutputs(dir, [{ name: 'ok.json', json: 1 }, { name: '../escape.json', json: 2 }])).toThrow(UnsafePathError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an errno failure is an OutputWriteError naming the output directory', () => {
    const file = path.join(tmp(), 'not-a-dir');
    writeFileSync(file, 'x');
    let err: unknown;
    try {
      writeOutputs(path.join(file, 'cells'), [{ name: 'a.json', json: 1 }], file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutputWriteError);
    expect((err as OutputWriteError).path).toBe(file);
    expect((err as OutputWriteError).code).toBe('ENOTDIR');
  });
});
