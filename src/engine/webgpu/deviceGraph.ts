// The WebGPU engine's device-built connectivity: projections with connectivity 'bernoulli-counter' are
// built on the GPU (ConnectivityBuild) straight into the engine's graph sections (row pointers, targets,
// and for plastic projections the column index, in graph or in the split colidx array, and the initial
// weights J), so their CSR is never
// uploaded from the host. SimState skips those sections when it writes the host graph (plan.writeGraph).
import type { BuiltNetwork } from '../../network/network.ts';
import type { DerivedProjection } from '../../model/derive.ts';
import { nnzOf } from '../../network/connectivity.ts';
import { chunkLength } from './chunks.ts';
import type { ChunkedBuffer } from './chunkedBuffer.ts';
import { buildRefusal, ConnectivityBuild, destroyDeviceCsr, packedWords } from './ConnectivityBuild.ts';
import { popScopes, pushScopes, type SimState } from './simState.ts';

/** Which projections the engine builds on the device, and why the others of the scheme are uploaded. */
export interface DeviceBuildPlan {
  built: Set<number>;
  /** Of built: static projections whose targets pass one binding, built in chunks of whole rows (words per chunk). */
  chunked: Map<number, number>;
  /** 'bernoulli-counter' projections uploaded from the host instead, with the exact reason. */
  uploaded: { name: string; reason: string }[];
}

/**
 * The 'bernoulli-counter' projections of net that the device can build (buildRefusal: every build buffer
 * within one binding); the others are uploaded from the host CSR, or with mode 'require' refused with the
 * bytes and the limit. mode false: none is built on the device.
 */
export function planDeviceBuild(net: BuiltNetwork, limits: GPUSupportedLimits, mode: boolean | 'require' = true, deviceName = 'this device', chunkBytes = Infinity): DeviceBuildPlan {
  const out: DeviceBuildPlan = { built: new Set(), chunked: new Map(), uploaded: [] };
  if (mode === false) return out;
  for (const pr of net.derived.projections) {
    if (pr.connectivity !== 'bernoulli-counter' || pr.storage === 'procedural') continue; // procedural: nothing to build
    const plastic = pr.plastic !== null;
    const nnz = nnzOf(net.csr[pr.index]!);
    const why = buildRefusal(limits, pr, nnz, { columns: plastic, weights: plastic });
    // A projection whose targets pass one binding (or chunkBytes): built in chunks of whole rows (and, plastic, of
    // whole columns) when the other build buffers fit and a chunk holds a whole row and a whole column.
    const words = chunkedBuildWords(limits, pr, nnz, chunkBytes);
    if (words !== null) {
      out.built.add(pr.index);
      out.chunked.set(pr.index, words);
      continue;
    }
    if (why === null) out.built.add(pr.index);
    else if (mode === 'require') throw new Error(`WebGPU engine: projection ${pr.name} cannot be built on ${deviceName}: ${why}`);
    else out.uploaded.push({ name: pr.name, reason: why });
  }
  return out;
}

/**
 * Words per chunk when projection pr (nnz synapses) is built in chunks: its per-synapse arrays pass one binding
 * (or chunkBytes), the other build buffers fit, and a chunk holds a whole row (nPost words) and, for a plastic
 * projection, a whole column (nPre words); else null.
 */
export function chunkedBuildWords(limits: GPUSupportedLimits, pr: DerivedProjection, nnz: number, chunkBytes = Infinity): number | null {
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, chunkBytes);
  const words = Math.floor(cap / 4);
  const plastic = pr.plastic !== null;
  if (4 * nnz <= cap || pr.post.size > words || (plastic && pr.pre.size > words)) return null;
  return buildRefusal(limits, pr, Math.min(nnz, words), { columns: plastic, weights: plastic }) === null ? words : null;
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
export async function installDeviceGraph(state: SimState, which: ReadonlySet<number>, chunked: ReadonlyMap<number, number> = new Map()): Promise<{ ms: number; peakBuildBytes: number }> {
  const t0 = performance.now();
  const { plan, device } = state;
  const d = plan.net.derived;
  const builder = await ConnectivityBuild.create(device);
  let peakBuildBytes = 0;
  for (const pr of d.projections) {
    if (!which.has(pr.index)) continue;
    const p = plan.projs[pr.index]!;
    const words = chunked.get(pr.index);
    if (words !== undefined) {
      // Targets chunk by chunk straight into the graph; the row pointers (nPre + 1 words) shifted on the host.
      // Plastic: the column index by chunks of whole columns into colW and colPre (engine ids), the weights J
      // piece by piece, the column pointers (nPost + 1 words) shifted on the host.
      // The column index goes to the array that holds it (graph, or colidx when split: plan.col's offsets),
      // colPre packed two to a word where the plan packs it (pre16: local indices, no pre shift).
      const g = plan.graph.offset;
      const cols = state.columnIndex;
      const plasticChunks = p.plastic
        ? {
            colShift: p.wOff,
            preShift: p.pre16 ? 0 : pr.pre.offset,
            columns: (enc: GPUCommandEncoder, colSyn: GPUBuffer, colPre: GPUBuffer, first: number, n: number): void => {
              copyInto(enc, cols, plan.col.colW + p.wOff + first, colSyn, n);
              if (!p.pre16) copyInto(enc, cols, p.colPreOff + first, colPre, n);
            },
            weights: (enc: GPUCommandEncoder, w: GPUBuffer, first: number, n: number): void => copyInto(enc, state.weight, p.wOff + first, w, n),
            ...(p.pre16 ? { pre16: (enc: GPUCommandEncoder, packed: GPUBuffer, firstWord: number, words: number): void => copyInto(enc, cols, p.colPreOff + firstWord, packed, words) } : {}),
          }
        : undefined;
      const dc = await builder.build(d.spec.seed >>> 0, pr, {
        columns: p.plastic,
        weights: p.plastic,
        postChunks: { words, sink: (enc, post, first, n) => copyInto(enc, state.graph, g.post + p.synOff + first, post, n) },
        ...(plasticChunks ? { plasticChunks } : {}),
      });
      peakBuildBytes = Math.max(peakBuildBytes, builder.lastBuildBytes);
      try {
        if (dc.nnz !== p.nnz) throw new Error(`projection ${pr.name}: the device built ${dc.nnz} synapses, the host ${p.nnz} (device and host builders disagree)`);
        state.graph.write(p.rowOff, shiftedRows(dc.hostRows!, p.synOff));
        if (p.plastic) cols.write(p.colOff, shiftedRows(dc.hostCols!, p.wOff));
        await state.graph.flush();
        if (cols !== state.graph) await cols.flush();
      } finally {
        destroyDeviceCsr(dc);
      }
      continue;
    }
    const pre16 = p.plastic && p.pre16 === 1;
    const dc = await builder.build(d.spec.seed >>> 0, pr, { columns: p.plastic, weights: p.plastic, shift: { row: p.synOff, col: p.wOff, pre: pre16 ? 0 : pr.pre.offset }, packPre: pre16 });
    peakBuildBytes = Math.max(peakBuildBytes, builder.lastBuildBytes);
    try {
      if (dc.nnz !== p.nnz) throw new Error(`projection ${pr.name}: the device built ${dc.nnz} synapses, the host ${p.nnz} (device and host builders disagree)`);
      pushScopes(device);
      const enc = device.createCommandEncoder({ label: `deviceGraph.${pr.name}` });
      copyInto(enc, state.graph, p.rowOff, dc.rowPtr, dc.nPre + 1);
      copyInto(enc, state.graph, plan.graph.offset.post + p.synOff, dc.post, dc.nnz);
      if (p.plastic) {
        const cols = state.columnIndex;
        copyInto(enc, cols, p.colOff, dc.colPtr, dc.nPost + 1);
        copyInto(enc, cols, plan.col.colW + p.wOff, dc.colSyn, dc.nnz);
        if (pre16) copyInto(enc, cols, p.colPreOff, dc.colPre16!, packedWords(0, dc.nnz));
        else copyInto(enc, cols, p.colPreOff, dc.colPre, dc.nnz);
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

/** Row (column) pointers shifted by the projection's first global synapse (weight) id, the engine's layout, as u32 words. */
function shiftedRows(rowPtr: Int32Array, shift: number): Uint32Array {
  const out = new Uint32Array(rowPtr.length);
  for (let k = 0; k < rowPtr.length; k++) out[k] = rowPtr[k]! + shift;
  return out;
}
