// The public API (src/index.ts, src/node.ts): a Simulation gives the same recordings as the CLI's
// runSimulation whether run in one go or advanced in uneven chunks; guards end a run without throwing;
// outputs are what `plasticnet run` writes; every invalid spec is a SpecError naming the field.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/engine/simulation.ts';
import { build, decodeNpy, getPreset, npyFiles, Simulation, SpecError, validate, withOverrides, type Recordings } from '../../src/index.ts';
import { readNpy, writeRunOutputs } from '../../src/node.ts';

const small = (T_s = 0.1) => withOverrides(getPreset('akil-istdp-demo'), { N: 300, T_s });

function expectSameRecordings(a: Recordings, b: Recordings): void {
  expect(a.steps).toBe(b.steps);
  expect(a.raster.count).toBe(b.raster.count);
  expect(a.raster.ids.subarray(0, a.raster.count)).toEqual(b.raster.ids.subarray(0, b.raster.count));
  expect(a.raster.steps.subarray(0, a.raster.count)).toEqual(b.raster.steps.subarray(0, b.raster.count));
  expect(a.neuronStats.spikeCount).toEqual(b.neuronStats.spikeCount);
  expect(a.series.jMean).toEqual(b.series.jMean);
  expect(a.finalWeights.map((w) => w.j)).toEqual(b.finalWeights.map((w) => w.j));
}

describe('public API: Simulation', () => {
  it('run() and uneven advance() chunks give the recordings of runSimulation (CPU), bit for bit', async () => {
    const spec = small();
    const ref = await runSimulation(spec, { backend: 'cpu' });
    expect(ref.recordings.raster.count).toBeGreaterThan(20);

    const a = await Simulation.create(spec);
    expect(a.backend).toBe('cpu');
    const progress: number[] = [];
    expectSameRecordings(await a.run({ chunkSteps: 137, onProgress: (p) => progress.push(p.step) }), ref.recordings);
    expect(progress.at(-1)).toBe(a.nSteps);
    expect(progress.length).toBe(Math.ceil(a.nSteps / 137));
    expect(a.done).toBe(true);
    expect(a.stoppedBy).toBeNull();
    a.dispose();

    const b = await Simulation.create(spec, { backend: 'cpu' });
    for (const k of [1, 7, 250, 3, 10_000]) await b.advance(k);
    expect(b.step).toBe(b.nSteps);
    expect(b.simTime_s).toBeCloseTo(spec.T_s, 12);
    expectSameRecordings(await b.recordings(), ref.recordings);
    const s = await b.summary();
    expect(Object.keys(s.populations)).toEqual(['E', 'I']);
    expect(s.populations['E']!.rate_Hz).toBeGreaterThan(0);
    b.dispose();
    b.dispose(); // idempotent
    await expect(b.advance(1)).rejects.toThrow(/disposed/);
  });

  it('advance() refuses a step count that is not a positive integer', async () => {
    const sim = await Simulation.create(small());
    for (const bad of [0, -1, 1.5, Number.NaN]) await expect(sim.advance(bad)).rejects.toThrow(RangeError);
    sim.dispose();
  });

  it('a run guard ends the run without throwing and is reported in stoppedBy', async () => {
    const sim = await Simulation.create({ ...small(0.5), maxRate_Hz: 0.001 });
    await sim.run();
    expect(sim.stoppedBy?.guard).toBe('rate');
    expect(sim.done).toBe(true);
    expect(sim.step).toBeLessThan(sim.nSteps);
    expect((await sim.outputs()).summary.meta.stoppedBy?.guard).toBe('rate');
    sim.dispose();
  });

  it('outputs() are the CLI outputs; npyFiles and writeRunOutputs write them; bad array names are refused', async () => {
    const sim = await Simulation.create(small());
    await sim.run();
    const out = await sim.outputs({ commit: 'abc' });
    expect(out.summary.meta.commit).toBe('abc');
    expect(out.summary.meta.N).toBe(300);
    expect(out.reportHtml).toMatch(/^<!DOCTYPE html>/i);
    const names = out.arrays.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['rates_Hz', 'raster_step', 'raster_neuron', 'j_mean']));
    const files = npyFiles(out);
    const rates = files.find((f) => f.file === 'rates_Hz.npy')!;
    expect(decodeNpy(rates.bytes).data).toEqual(out.arrays.find((a) => a.name === 'rates_Hz')!.data);

    const dir = mkdtempSync(path.join(tmpdir(), 'pn-api-'));
    try {
      const written = writeRunOutputs(dir, sim.spec, out);
      expect(readdirSync(dir).sort()).toEqual([...written].sort());
      expect(readNpy(path.join(dir, 'raster_step.npy')).data.length).toBe(out.arrays.find((a) => a.name === 'raster_step')!.data.length);
      for (const bad of ['../x', 'a/b', '.hidden', '']) {
        expect(() => writeRunOutputs(dir, sim.spec, { ...out, arrays: [{ name: bad, data: new Float64Array(1), shape: [1] }] })).toThrow(/array name/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    sim.dispose();
  });
});

describe('public API: invalid specs are SpecErrors naming the field, never TypeErrors', () => {
  const base = (): Record<string, unknown> => JSON.parse(JSON.stringify(small())) as Record<string, unknown>;
  const cyclic: Record<string, unknown> = base();
  cyclic['self'] = cyclic;
  const cases: [string, unknown, string][] = [
    ['undefined', undefined, 'spec'],
    ['null', null, 'spec'],
    ['a number', 42, 'spec'],
    ['a string', 'akil-static', 'spec'],
    ['an array', [], 'spec'],
    ['an empty object', {}, 'N'],
    ['N a string', { ...base(), N: 'many' }, 'N'],
    ['N a BigInt', { ...base(), N: 300n }, 'N'],
    ['dt_ms NaN', { ...base(), dt_ms: Number.NaN }, 'dt_ms'],
    ['populations null', { ...base(), populations: null }, 'populations'],
    ['a population null', { ...base(), populations: [null] }, 'populations[0]'],
    ['a neuron a number', { ...base(), populations: [{ ...(base()['populations'] as object[])[0], neuron: 3 }] }, 'populations[0].neuron'],
    ['projections a string', { ...base(), projections: 'all' }, 'projections'],
    ['a projection without fields', { ...base(), projections: [{}] }, 'projections[0]'],
    ['recording an array', { ...base(), recording: [] }, 'recording'],
    ['an unknown field, cyclic', cyclic, 'spec.self'],
  ];
  for (const [what, spec, field] of cases) {
    it(`${what}: validate, build and Simulation.create throw SpecError naming ${field}`, async () => {
      const checks: (() => unknown)[] = [() => validate(spec), () => build(spec)];
      for (const f of checks) {
        let err: unknown;
        try {
          f();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(SpecError);
        expect((err as SpecError).name).toBe('SpecError');
        expect((err as SpecError).issues.some((i) => i.path === field || i.path.startsWith(`${field}.`) || i.path.startsWith(`${field}[`))).toBe(true);
      }
      await expect(Simulation.create(spec)).rejects.toBeInstanceOf(SpecError);
    });
  }

  it('withOverrides: a non-object spec is a SpecError; malformed inputs and recording are left for validate to name', () => {
    for (const bad of [null, 3, 'x', []]) expect(() => withOverrides(bad as never, { N: 10 })).toThrow(SpecError);
    const spec = { ...base(), inputs: [null, 5], recording: 'all' };
    const s = withOverrides(spec as never, { c: 0.1, T_s: 1 });
    expect(s.T_s).toBe(1);
    let err: unknown;
    try {
      validate(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    const paths = (err as SpecError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['inputs[0]', 'inputs[1]', 'recording']));
  });

  it('Simulation.create refuses an unknown backend with a RangeError naming it', async () => {
    await expect(Simulation.create(small(), { backend: 'cuda' as never })).rejects.toThrow(/backend = "cuda": allowed 'cpu', 'webgpu', 'auto'/);
  });
});
