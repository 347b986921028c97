// The issue-19 lines of bench/gpu.ts (--suite issue19): the small- and mid-size regime where dispatch
// cost, not arithmetic, sets the step time. One JSON line per case, with the schedule the engine chose
// (or was told: --schedule) and its shape: per-step wall time, real-time factor, synaptic events per wall
// second; the batch line runs the one-dispatch batch (GpuBatch: 16 workgroups, one per network, schedule
// 'batch') and also times one network of the batch alone (batch_over_single).
//   N = 1000 static; N = 10^4 EI iSTDP; batch 16 x (N = 2000, EI iSTDP); N = 10^5 EI iSTDP.
// --smoke shrinks every case (N / 10 or less, batch of 2, 20 ms) so a software adapter runs it in a
// minute: those numbers say nothing about a GPU.
import type { BuiltNetwork } from '../src/network/network.ts';
import { buildNetwork } from '../src/network/network.ts';
import { derive } from '../src/model/derive.ts';
import { homeostaticInhibitory } from '../src/model/rules.ts';
import { validate } from '../src/model/validate.ts';
import { akilNetwork } from '../src/presets/akil2021.ts';
import type { AdapterSummary } from '../src/engine/webgpu/device.ts';
import { WebGpuEngine, type ScheduleChoice } from '../src/engine/webgpu/WebGpuEngine.ts';
import { GpuBatch } from '../src/engine/webgpu/batch.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

interface Case {
  name: string;
  N: number;
  plastic: boolean;
  batch: number;
}

/** The four cases of issue 19, or their smoke sizes. */
export function issue19Cases(smoke: boolean): Case[] {
  return smoke
    ? [
        { name: 'N=1000 static (smoke: N=100)', N: 100, plastic: false, batch: 1 },
        { name: 'N=1e4 EI iSTDP (smoke: N=300)', N: 300, plastic: true, batch: 1 },
        { name: 'batch 16 x N=2000 EI iSTDP (smoke: 2 x N=200)', N: 200, plastic: true, batch: 2 },
        { name: 'N=1e5 EI iSTDP (smoke: N=400)', N: 400, plastic: true, batch: 1 },
      ]
    : [
        { name: 'N=1000 static', N: 1000, plastic: false, batch: 1 },
        { name: 'N=1e4 EI iSTDP', N: 10_000, plastic: true, batch: 1 },
        { name: 'batch 16 x N=2000 EI iSTDP', N: 2000, plastic: true, batch: 16 },
        { name: 'N=1e5 EI iSTDP', N: 100_000, plastic: true, batch: 1 },
      ];
}

/** Synaptic events of the spikes an engine fed since `before` (spikes per population), plus expected input events. */
function synapticEvents(net: BuiltNetwork, now: Float64Array, before: Float64Array, T_s: number): number {
  const d = net.derived;
  let events = 0;
  const outDeg = (kind: 'population' | 'input', index: number, size: number): number =>
    d.projections.filter((pr) => pr.pre.kind === kind && pr.pre.index === index).reduce((s, pr) => s + net.csr[pr.index]!.post.length, 0) / size;
  for (const p of d.pops) events += (now[p.index]! - before[p.index]!) * outDeg('population', p.index, p.size);
  for (const x of d.inputs) events += x.size * x.rate_Hz * T_s * outDeg('input', x.index, x.size);
  return events;
}

/** Runs the cases; emit() writes each line. */
export async function issue19Suite(
  device: GPUDevice,
  adapterInfo: AdapterSummary,
  o: { smoke: boolean; schedule: ScheduleChoice; T_s: number; warm_s: number },
  emit: (line: Record<string, unknown>) => void,
): Promise<void> {
  for (const c of issue19Cases(o.smoke)) {
    const nets: BuiltNetwork[] = [];
    try {
      for (let k = 0; k < c.batch; k++) {
        const spec = validate(akilNetwork({ N: c.N, T_s: o.warm_s + o.T_s, seed: 1 + k, ...(c.plastic ? { plastic: { 'E<-I': EI_ISTDP } } : {}) }));
        nets.push(buildNetwork(derive(spec)));
      }
    } catch (e) {
      emit({ case: c.name, N: c.N, batch: c.batch, error: `build: ${(e as Error).message}` });
      continue;
    }
    const d = nets[0]!.derived;
    const warmSteps = Math.round((o.warm_s * 1000) / d.dt_ms);
    const steps = d.nSteps - warmSteps;
    // One network alone (the batch's reference), then the batch.
    const time = async (group: BuiltNetwork[]): Promise<{ wall_s: number; events: number; schedule: string; shape: string }> => {
      const engines: WebGpuEngine[] = [];
      let run: GpuBatch | null = null;
      try {
        for (const net of group) engines.push(await WebGpuEngine.create(net, device, { adapterInfo, schedule: group.length > 1 ? 'resident' : o.schedule }));
        const e0 = engines[0]!;
        // More than one network: ONE dispatch of group.length workgroups per submission (GpuBatch).
        run = group.length > 1 ? await GpuBatch.create(engines) : null;
        const advance = (n: number): Promise<void> => (run ? run.advance(n) : e0.advance(n));
        await advance(warmSteps);
        const before = engines.map((e) => Float64Array.from(e.spikesByPop));
        const w0 = performance.now();
        await advance(steps);
        const wall_s = (performance.now() - w0) / 1000;
        const events = engines.reduce((s, e, k) => s + synapticEvents(group[k]!, e.spikesByPop, before[k]!, o.T_s), 0);
        return { wall_s, events, schedule: run ? 'batch' : e0.schedule, shape: run?.describe() ?? e0.resident?.describe() ?? e0.schedule };
      } finally {
        run?.dispose();
        for (const e of engines) e.dispose();
      }
    };
    try {
      const single = await time(nets.slice(0, 1));
      const batch = c.batch > 1 ? await time(nets) : null;
      const r = batch ?? single;
      emit({
        case: c.name,
        N: c.N,
        plastic: c.plastic,
        batch: c.batch,
        schedule: r.schedule,
        shape: r.shape,
        steps,
        wall_s: Number(r.wall_s.toFixed(4)),
        us_per_step: Number(((r.wall_s / steps) * 1e6).toFixed(3)),
        rtf: Number((r.wall_s / o.T_s).toFixed(5)),
        syn_events_per_wall_s: Number((r.events / r.wall_s).toExponential(4)),
        ...(batch ? { single_us_per_step: Number(((single.wall_s / steps) * 1e6).toFixed(3)), single_schedule: single.schedule, batch_over_single: Number((batch.wall_s / single.wall_s).toFixed(3)) } : {}),
      });
    } catch (e) {
      emit({ case: c.name, N: c.N, batch: c.batch, error: (e as Error).message });
    }
  }
}
