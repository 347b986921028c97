// bench/gpu.ts --suite sync: device-wide synchronisations per simulated second, counted (not timed: no GPU
// was lent, and SwiftShader timings are no GPU figures), for the resident kernel with and without step blocks
// (workgroup barriers, stepBlocks.ts residentBarriers: the kernel's phase_barrier calls, record blocks'
// own barriers excluded as they are the same on both paths) and for the fused schedule (dispatches per
// simulated second: 2 per step, 3 with plasticity or correlated input, plus the record pass per bin).
// One line per network: the Akil network with one delay d on every projection, with its Poisson input
// and without input (the counts depend on the structure only), and the Soldado Fig 7 network with the reference's delays.
import { derive, type Derived } from '../src/model/derive.ts';
import type { NetworkSpec } from '../src/model/spec.ts';
import { validate } from '../src/model/validate.ts';
import { akilNetwork } from '../src/presets/akil2021.ts';
import { soldadoDrivenNetwork } from '../src/presets/soldado2022.ts';
import { residentBarriers, stepBlockFit } from '../src/engine/webgpu/stepBlocks.ts';

export interface SyncLine {
  network: string;
  min_delay_steps: number;
  block_steps: number;
  block_why: string;
  input: boolean;
  resident_barriers_per_sim_s_per_step: number;
  resident_barriers_per_sim_s_blocked: number;
  blocked_over_per_step: number;
  fused_dispatches_per_sim_s: number;
}

function line(network: string, d: Derived): SyncLine {
  const steps = Math.round(1000 / d.dt_ms); // one simulated second
  const fit = stepBlockFit(d);
  const input = d.inputs.length > 0 || d.nSignalChannels > 0;
  const per = residentBarriers(steps, 1, input, d.binSteps);
  const blocked = residentBarriers(steps, fit.steps, input, d.binSteps);
  const post = d.projections.some((p) => p.plastic && p.pre.kind === 'population') || d.inputs.some((x) => x.correlation > 0);
  const recurrent = d.projections.filter((p) => p.pre.kind === 'population');
  return {
    network,
    min_delay_steps: Math.min(...recurrent.map((p) => p.delay.min)),
    block_steps: fit.steps,
    block_why: fit.why,
    input,
    resident_barriers_per_sim_s_per_step: per,
    resident_barriers_per_sim_s_blocked: blocked,
    blocked_over_per_step: blocked / per,
    fused_dispatches_per_sim_s: (post ? 3 : 2) * steps + Math.floor(steps / d.binSteps),
  };
}

function delayed(s: NetworkSpec, d: number, noInput: boolean): Derived {
  const dt = s.dt_ms;
  return derive(validate({
    ...s,
    ...(noInput ? { inputs: [] } : {}),
    projections: s.projections.filter((p) => !noInput || s.populations.some((q) => q.name === p.pre)).map((p) => ({ ...p, delay: { min_ms: d * dt, max_ms: d * dt } })),
  }));
}

/** The suite's lines (no device needed). */
export function syncSuite(N = 1000): SyncLine[] {
  const out: SyncLine[] = [];
  for (const noInput of [false, true]) {
    for (const d of [1, 2, 3, 7, 15]) {
      out.push(line(`akil N=${N}${noInput ? ' (no input)' : ''}, delay ${d} steps`, delayed(akilNetwork({ N, T_s: 1 }), d, noInput)));
    }
  }
  const s = soldadoDrivenNetwork(N, 1);
  const ref = (pre: string) => (pre === 'E' ? { min_ms: 0.1, max_ms: 1.0 } : { min_ms: 0.5, max_ms: 0.5 });
  out.push(line(`soldado-driven N=${N}, reference delays (E 1..10, I 5 steps)`, derive(validate({ ...s, projections: s.projections.map((p) => ({ ...p, delay: ref(p.pre) })) }))));
  const e2 = (pre: string) => (pre === 'E' ? { min_ms: 0.2, max_ms: 1.0 } : { min_ms: 0.5, max_ms: 0.5 });
  out.push(line(`soldado-driven N=${N}, E 2..10, I 5 steps`, derive(validate({ ...s, projections: s.projections.map((p) => ({ ...p, delay: e2(p.pre) })) }))));
  return out;
}
