// One output list: the app's finished-run exports (LiveRun.finish) hold the arrays the CLI writes
// (runArrays), including the engine's exact weights weights_<post>_from_<pre>_Jscaled.
import { describe, expect, it } from 'vitest';
import { runArrays, summarizeRun } from '../../src/output/runOutput.ts';
import { LiveRun } from '../../src/pipeline/liveRun.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { createEngine } from '../../src/engine/engines.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { getPreset } from '../../src/presets/index.ts';

const meta = { commit: 'test', date: '2026-01-01', host: 'test' };

describe('run outputs', () => {
  it('the app exports the same arrays as the CLI writes, Jscaled included', async () => {
    const base = getPreset('akil-istdp-demo');
    const spec = validate({ ...base, N: 300, T_s: 0.2, recording: { ...base.recording, statsStart_s: 0.1, bin_ms: 50, window_ms: 50 } });
    const r = await runSimulation(spec, { backend: 'cpu' });
    const cli = runArrays(r, summarizeRun(r, meta).analysis);
    expect(cli.map((a) => a.name)).toContain('weights_E_from_I_Jscaled');
    const J = cli.find((a) => a.name === 'weights_E_from_I_Jscaled')!;
    expect(J.data).toEqual(r.recordings.finalWeights[0]!.J);

    const net = buildNetwork(derive(spec));
    const live = new LiveRun(spec, net, await createEngine(net, 'cpu'), 0);
    while (!live.done) await live.advance(1000);
    const app = await live.finish(meta);
    expect(app.arrays.map((a) => a.name)).toEqual(cli.map((a) => a.name));
    for (const a of app.arrays) expect(a.data, a.name).toEqual(cli.find((c) => c.name === a.name)!.data);
  });
});
