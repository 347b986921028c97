// The WebGPU engine's device-built connectivity: projections with connectivity 'bernoulli-counter' are
// built on the GPU (ConnectivityBuild) straight into the engine's graph sections (row pointers, targets,
// and for plastic projections the column index and the initial weights J), so their CSR is never
// uploaded from the host. SimState skips those sections when it writes the host graph (plan.writeGraph).
import type { BuiltNetwork } from '../../network/network.ts';
import { nnzOf } from '../../network/connectivity.ts';
import { chunkLength } from './chunks.ts';
import type { ChunkedBuffer } from './chunkedBuffer.ts';
import { buildRefusal, ConnectivityBuild, destroyDeviceCsr } from './ConnectivityBuild.ts';
import { popScopes, pushScopes, type SimState } from './simState.ts';

/** Which projections the engine builds on the device, and why the others of the scheme are uploaded. */
export interface DeviceBuildPlan {
  built: Set<number>;
  /** 'bernoulli-counter' projections uploaded from the host instead, with the exact reason. */
  uploaded: { name: string; reason: string }[];
}

/**
 * The 'bernoulli-counter' projections of net that the device can build (buildRefusal: every build buffer
 * within one binding); the others are uploaded from the host CSR, or with mode 'require' refused with the
 * bytes and the limit. mode false: none is built on the device.
 */
export function planDeviceBuild(net: BuiltNetwork, limits: GPUSupportedLimits, mode: boolean | 'require' = true, deviceName = 'this device'): DeviceBuildPlan {
  const out: DeviceBuildPlan = { built: new Set(), uploaded: [] };
  if (mode === false) return out;
  for (const pr of net.derived.projections) {
    if (pr.connectivity !== 'bernoulli-counter' || pr.storage === 'procedural') continue; // procedural: nothing to build
    const plastic = pr.plastic !== null;
    const why = buildRefusal(limits, pr, nnzOf(net.csr[pr.index]!), { columns: plastic, weights: plastic });
    if (why === null) out.built.add(pr.index);
    else if (mode === 'require') throw new Error(`WebGPU engine: projection ${pr.name} cannot be built on ${deviceName}: ${why}`);
    else out.uploaded.push({ name: pr.name, reason: why });
  }
  return out;
}

/** Every stored 'bernoulli-counter' projection of net (what a device with unbounded limits builds). */
export function deviceBuiltProjections(net: BuiltNetwork): Set<number> {
  return new Set(net.derived.projections.filter((p) => p.connectivity === 'bernoulli-counter' && p.storage !== 'procedural').map((p) => p.index));
}

/** Encodes copies of words [0, n) of src into dst's elements [at, at + n), split at its chunk boundaries. */
function copyInto(enc: GPUCommandEncoder, dst: ChunkedBuffer, at: number, src: GPUBuffer, n: number): void {
  const c = dst.plan;
  for (let i = 0; i < n; ) {
    const k = Math.floor((at + i) / c.chunkElems);
    const off = at + i - k * c.chunkElems;
    const len = Math.min(n - i, chunkLength(c, k) - off);
    enc.copyBufferToBuffer(src, 4 * i, dst.buffers[k]!, 4 * off, 4 * len);
    i += len;
  }
}

/**
 * Builds projections `which` of the state's network on its device into the graph and weight buffers.
 * The synapse counts must equal the plan's (taken from the host build): a mismatch is a bug, and throws.
 * Returns the wall time of the device builds (ms) and the largest build's transient buffers (bytes, held
 * on top of the engine's state while it runs).
 */
export async function installDeviceGraph(state: SimState, which: ReadonlySet<number>): Promise<{ ms: number; peakBuildBytes: number }> {
  const t0 = performance.now();
  const { plan, device } = state;
  const d = plan.net.derived;
  const builder = await ConnectivityBuild.create(device);
  let peakBuildBytes = 0;
  for (const pr of d.projections) {
    if (!which.has(pr.index)) continue;
    const p = plan.projs[pr.index]!;
    const dc = await builder.build(d.spec.seed >>> 0, pr, { columns: p.plastic, weights: p.plastic, shift: { row: p.synOff, col: p.wOff, pre: pr.pre.offset } });
    peakBuildBytes = Math.max(peakBuildBytes, builder.lastBuildBytes);
    try {
      if (dc.nnz !== p.nnz) throw new Error(`projection ${pr.name}: the device built ${dc.nnz} synapses, the host ${p.nnz} (device and host builders disagree)`);
      pushScopes(device);
      const enc = device.createCommandEncoder({ label: `deviceGraph.${pr.name}` });
      copyInto(enc, state.graph, p.rowOff, dc.rowPtr, dc.nPre + 1);
      copyInto(enc, state.graph, plan.graph.offset.post + p.synOff, dc.post, dc.nnz);
      if (p.plastic) {
        copyInto(enc, state.graph, p.colOff, dc.colPtr, dc.nPost + 1);
        copyInto(enc, state.graph, plan.graph.offset.colW + p.wOff, dc.colSyn, dc.nnz);
        copyInto(enc, state.graph, plan.graph.offset.colPre + p.wOff, dc.colPre, dc.nnz);
        copyInto(enc, state.weight, p.wOff, dc.weight, dc.nnz);
      }
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      await popScopes(device, `copying the device-built projection ${pr.name} into the engine's graph`);
    } finally {
      destroyDeviceCsr(dc);
    }
  }
  return { ms: performance.now() - t0, peakBuildBytes };
}
