// Inside CpuEngine.advance, plastic projections whose rule never starts in the run (family 'trial': Soldado
// Fig 7) reuse the first bin's weight mean and samples and skip the repeated weight check (issue 24). The
// recordings must equal those of plain stepping (stepOnce, no reuse) bit for bit, and a weight fault must still
// stop the run at the first bin.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { RunGuardError } from '../../src/engine/engine.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { soldadoDrivenNetwork } from '../../src/presets/soldado2022.ts';

const spec = () => validate({ ...soldadoDrivenNetwork(300, 0.2), recording: { ...soldadoDrivenNetwork(300, 0.2).recording, weightSamples: 7 } });

describe('bin-end weight statistics of weights no rule changes in advance()', () => {
  it('advance() records the series of plain stepping', async () => {
    const a = new CpuEngine(buildNetwork(derive(spec())));
    await a.advance(777);
    await a.advance(a.net.derived.nSteps);
    const b = new CpuEngine(buildNetwork(derive(spec())));
    while (b.step < b.net.derived.nSteps) b.stepOnce();
    const ra = (await a.recordings()).series;
    const rb = (await b.recordings()).series;
    expect(ra.nBins).toBeGreaterThan(10);
    expect(ra.jMean.length).toBeGreaterThan(0);
    expect(Array.from(ra.jMean)).toEqual(Array.from(rb.jMean));
    expect(Array.from(ra.jSample)).toEqual(Array.from(rb.jSample));
    expect(Array.from(ra.jSample).some((x) => x !== 0 && Number.isFinite(x))).toBe(true);
    expect(Array.from(ra.rate_Hz)).toEqual(Array.from(rb.rate_Hz));
  });

  it('a weight outside its bounds still stops advance() at the first bin', async () => {
    const eng = new CpuEngine(buildNetwork(derive(spec())));
    const pi = eng.net.derived.projections.findIndex((p) => p.plastic);
    eng.state.weights[pi]![3] = -eng.state.weights[pi]![3]!; // wrong sign: outside [jMin, jMax]
    await expect(eng.advance(eng.net.derived.nSteps)).rejects.toThrow(RunGuardError);
    expect(eng.step).toBe(eng.net.derived.binSteps - 1); // thrown in the last step of bin 0
  });
});
