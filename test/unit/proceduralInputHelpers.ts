// The spec of the procedural-input tests (proceduralInput.test.ts, proceduralInputCli.test.ts, test/gpu/proceduralInput.test.ts).
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { soldadoDrivenNetwork } from '../../src/presets/soldado2022.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

/** Akil EI network, every projection 'bernoulli-counter', E<-I plastic; `input` storage on E<-X and I<-X, `pop` on the static population ones. */
export function inputSpec(input: 'stored' | 'procedural' | 'auto', o: { N?: number; c?: number; pop?: 'stored' | 'procedural' | 'auto'; T_s?: number } = {}): NetworkSpec {
  const s = akilNetwork({ N: o.N ?? 400, T_s: o.T_s ?? 0.15, seed: 17, c: o.c ?? 0, plastic: { 'E<-I': EI_ISTDP } });
  s.projections = s.projections.map((p): ProjectionSpec => {
    const q: ProjectionSpec = { ...p, connectivity: 'bernoulli-counter' };
    if (p.pre === 'X') q.storage = input;
    else if (!p.plasticity && o.pop) q.storage = o.pop;
    return q;
  });
  s.recording.rasterNeurons = s.N;
  return validate(s);
}


/**
 * The driven Fig 7 network (adaptive LIF, exact integer noise: the WebGPU and CPU engines give identical spike trains)
 * with a Poisson input X of N / 4 sources onto E and I ('bernoulli-counter', storage `input`), for GPU-vs-CPU checks;
 * `delay_ms`: one delay on every population projection (the resident schedule's step blocks).
 */
export function lifInputSpec(input: 'stored' | 'procedural', o: { N?: number; T_s?: number; c?: number; delay_ms?: number } = {}): NetworkSpec {
  const s = soldadoDrivenNetwork(o.N ?? 200, o.T_s ?? 0.2);
  if (o.delay_ms !== undefined) s.projections = s.projections.map((p) => ({ ...p, delay: { min_ms: o.delay_ms!, max_ms: o.delay_ms! } }));
  s.populations = s.populations.map((p) => ({ ...p, neuron: { ...p.neuron, iBg_pA: p.name === 'E' ? 60 : 30 } }));
  s.inputs = [{ name: 'X', fraction: 0.25, rate_Hz: 20, correlation: o.c ?? 0, jitter_ms: 2, tauSyn_ms: 5 }];
  const x = (post: string, j: number): ProjectionSpec => ({ pre: 'X', post, connectivity: 'bernoulli-counter', p: 0.2, j, scaleBySqrtN: false, storage: input });
  s.projections = [...s.projections, x('E', 150), x('I', 100)];
  s.recording = { ...s.recording, rasterNeurons: s.N };
  return validate(s);
}
