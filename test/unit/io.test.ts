// .npy encoding (byte-exact headers as np.save writes them), Node file helpers, SVG plots and the HTML report.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJson, readNpy, writeJson, writeNpy } from '../../src/io/files.ts';
import { decodeNpy, encodeNpy, type NpyArray } from '../../src/io/npy.ts';
import { renderReport } from '../../src/io/report.ts';
import { escapeXml, formatTick, histogramPlot, linePlot, logTicks, niceTicks, scatterPlot } from '../../src/io/svg.ts';

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

/** np.save's header text: the dict, spaces up to 127 bytes after the 10-byte preamble... then '\n'. */
const npHeader = (dict: string, total: number) => `\x93NUMPY\x01\x00${String.fromCharCode((total - 10) & 255, (total - 10) >> 8)}${dict.padEnd(total - 11, ' ')}\n`;

describe('npy', () => {
  it('float32 [1, 2, 3]: header identical to np.save (128 bytes, header_len 118)', () => {
    const b = encodeNpy(new Float32Array([1, 2, 3]));
    expect(b.length).toBe(128 + 12);
    expect(b[8]! + 256 * b[9]!).toBe(118);
    expect(latin1(b.subarray(0, 128))).toBe(npHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 128));
    expect(Array.from(b.subarray(128))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40]);
  });

  it('multi-dimensional and scalar headers match np.save and are 64-byte aligned', () => {
    const b = encodeNpy(new Uint16Array(6), [2, 3]);
    expect(latin1(b.subarray(0, 128))).toBe(npHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }", 128));
    const s = encodeNpy(new Float64Array([5]), []);
    expect(latin1(s.subarray(0, 128))).toBe(npHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 128));
    const big = encodeNpy(new Int32Array(0), [0, 123456789, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
    expect((big[8]! + 256 * big[9]! + 10) % 64).toBe(0);
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/shape/);
  });

  it('round-trips every supported dtype and shape', () => {
    const cases: [NpyArray, number[]][] = [
      [new Float32Array([1.5, -2, NaN, Infinity]), [4]],
      [new Float64Array([Math.PI, -1e-300, 0, 1e300, 7, 8]), [2, 3]],
      [new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0]), [3, 1]],
      [new Uint16Array([0, 65535]), [2]],
      [new Uint32Array([2 ** 32 - 1]), []],
      [new Int16Array([-32768, 32767, 1, 2]), [1, 2, 2]],
      [new Float32Array(0), [0]],
    ];
    for (const [arr, shape] of cases) {
      const d = decodeNpy(encodeNpy(arr, shape));
      expect(d.shape).toEqual(shape);
      expect(d.fortranOrder).toBe(false);
      expect(d.data.constructor).toBe(arr.constructor);
      expect(Array.from(d.data)).toEqual(Array.from(arr));
    }
    // a subarray view writes only its own elements
    const view = new Float64Array([9, 1, 2, 9]).subarray(1, 3);
    expect(Array.from(decodeNpy(encodeNpy(view)).data)).toEqual([1, 2]);
  });

  it('rejects bad input', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/magic/);
    const b = encodeNpy(new Float32Array([1, 2]));
    expect(() => decodeNpy(b.subarray(0, b.length - 1))).toThrow(/truncated/);
    const h = b.slice();
    h.set([...'<c8'].map((c) => c.charCodeAt(0)), latin1(h).indexOf('<f4'));
    expect(() => decodeNpy(h)).toThrow(/unsupported/);
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plasticnet-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes .npy and JSON atomically into new folders and leaves no temp files', () => {
    const p = join(dir, 'sub', 'a.npy');
    writeNpy(p, new Int32Array([1, 2, 3, 4]), [2, 2]);
    const d = readNpy(p);
    expect(d.shape).toEqual([2, 2]);
    expect(Array.from(d.data)).toEqual([1, 2, 3, 4]);
    const j = join(dir, 'sub', 'summary.json');
    writeJson(j, { a: NaN, b: new Float32Array([1, 2]), c: { d: 'x' } });
    expect(readJson(j)).toEqual({ a: null, b: [1, 2], c: { d: 'x' } });
    writeJson(j, { v: 2 }); // overwrite
    expect(JSON.parse(readFileSync(j, 'utf8'))).toEqual({ v: 2 });
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['a.npy', 'summary.json']);
  });
});

describe('svg', () => {
  it('escapes text, makes round ticks and short labels', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;');
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 17, 4)).toEqual([0, 5, 10, 15]);
    expect(logTicks(1e3, 1e4)).toEqual([1000, 2000, 5000, 10000]);
    expect(logTicks(2e-5, 3e-3)).toEqual([2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3]);
    expect(logTicks(0.5, 2e5)).toEqual([1, 10, 100, 1000, 1e4, 1e5]);
    expect(logTicks(3, 4)).toEqual([3, 4]);
    expect(logTicks(1e-10, 1e10).length).toBeLessThanOrEqual(8);
    expect([formatTick(0.1 + 0.2), formatTick(1e-4), formatTick(250000), formatTick(0)]).toEqual(['0.3', '1e-4', '2.5e5', '0']);
  });

  it('line plot: series, dashed theory, legend, log-log axes, gaps at bad points', () => {
    const svg = linePlot(
      [
        { x: [1000, 2000, 5000, 10000], y: [1e-3, 5e-4, NaN, 1e-4], label: 'C_EE <sim>' },
        { x: [1000, 10000], y: [1.2e-3, 1.2e-4], label: 'theory & Eq 5', dashed: true },
      ],
      { title: 'Covariance vs N', xLabel: 'N', yLabel: 'C', logX: true, logY: true },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('C_EE &lt;sim&gt;');
    expect(svg).toContain('theory &amp; Eq 5');
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('>1e-4<');
    expect(svg).toContain('>5000<');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    const path = /<path d="([^"]*)"/.exec(svg)![1]!;
    expect(path.match(/M/g)!.length).toBe(2); // the NaN point splits the first series
  });

  it('scatter/raster and histogram plots', () => {
    const t = Float64Array.from({ length: 500 }, (_, i) => i * 0.7);
    const id = Int32Array.from({ length: 500 }, (_, i) => (i * 37) % 100);
    const svg = scatterPlot([{ x: t, y: id, radius: 1, label: 'E' }], { xLabel: 'time (ms)', yLabel: 'neuron' });
    expect(svg.match(/h0/g)!.length).toBe(500);
    expect(svg).not.toMatch(/NaN|undefined/);
    const h = histogramPlot([0, 1, 2, 3], [4, 0, 2], { title: 'j<sub>ei</sub>' });
    expect(h.match(/<rect x=/g)!.length).toBe(2 + 2); // clip + frame + two non-empty bars
    expect(h).toContain('j&lt;sub&gt;ei&lt;/sub&gt;');
    expect(linePlot([], {})).toContain('</svg>'); // empty data still renders axes
  });
});

describe('report', () => {
  it('is a standalone HTML page with escaped text, tables and inline SVG', () => {
    const svg = linePlot([{ x: [0, 1], y: [0, 1] }]);
    const html = renderReport('Run <akil> & co', [
      { heading: 'Rates', svgs: [svg], tableRows: [['pop', 'rate (Hz)'], ['E', '5.8 <sim>']] },
      { heading: 'Empty', svgs: [] },
    ]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>Run &lt;akil&gt; &amp; co</title>');
    expect(html).toContain('<th>pop</th><th>rate (Hz)</th>');
    expect(html).toContain('<td>5.8 &lt;sim&gt;</td>');
    expect(html).toContain(svg);
    expect(html).not.toMatch(/<script|<link|\ssrc=|href=/);
  });
});
