// What a run checkpoint holds beyond the engine snapshot: the spec and its hash, a fingerprint of the
// connectivity, the run's options, and (after --init-weights) the imported synapses. Pure (no Node).
import { buildNetwork, type BuiltNetwork } from '../network/network.ts';
import { counterFingerprintRows, fingerprintRows } from '../network/procedural.ts';
import { skipTable } from '../network/counterRows.ts';
import { nnzOf } from '../network/connectivity.ts';
import { csrFromSynapses, preOfCsr, replaceProjection } from '../network/initWeights.ts';
import type { EngineSnapshot, SnapshotArray, StreamedSnapshot } from '../engine/snapshot.ts';
import { derive } from '../model/derive.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { SpecError, validate } from '../model/validate.ts';
import { CheckpointError, crc32, specHash, type DecodedCheckpoint } from './checkpoint.ts';

export interface RunCheckpointMeta {
  createdAt: string;
  reason: 'periodic' | 'guard';
  /** false for a guard checkpoint: the state where a guard fired, possibly mid-step, kept for inspection. */
  resumable: boolean;
  step: number; // steps completed
  nSteps: number;
  t_s: number;
  spec: NetworkSpec;
  specHash: string; // canonical-JSON FNV-1a 64 of spec
  connectivity: { name: string; nnz: number; crc32: string }[];
  engine: { backend: string; device: string };
  wall_s: number; // wall time of the run up to this checkpoint, over all resumed segments
  run: { checkpointEvery?: string; initWeights?: string };
  importedStructure: number[]; // projections whose synapses came from --init-weights: sections net.rowPtr.<p>, net.post.<p>
  scalars: Record<string, number>; // EngineSnapshot.scalars
  snapshotBackend: string;
  stoppedBy?: { guard: string; step: number; where: string; value: number; message: string };
}

const bytesOf = (a: Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const hex8 = (crc: number): string => crc.toString(16).padStart(8, '0');

/**
 * CRC-32 of each projection's CSR structure: detects a connectivity change between versions. Default
 * ('bernoulli', fixed-indegree): CRC of rowPtr then post, nnz = post.length. A 'bernoulli-counter' projection is
 * fingerprinted without reading its targets, so a network whose targets live on the device only
 * (buildNetworkOnDevice) gets the host build's fingerprint: stored, nnz from the row pointers and the CRC of the
 * row pointers then of a few rows regenerated from the seed (counterFingerprintRows); procedural (nothing
 * stored), nnz 0 and the CRC of the regenerated rows.
 */
export function connectivityFingerprint(net: BuiltNetwork): RunCheckpointMeta['connectivity'] {
  const seed = net.derived.spec.seed >>> 0;
  return net.derived.projections.map((p) => {
    const c = net.csr[p.index]!;
    if (c.procedural) return { name: p.name, nnz: 0, crc32: hex8(crc32(bytesOf(fingerprintRows(c, p)))) };
    if (p.connectivity === 'bernoulli-counter') {
      const rows = counterFingerprintRows(seed, p, p.p > 0 && p.p < 1 ? skipTable(p.p) : new Uint32Array(1), c.nPre); // the table proceduralCsr uses
      return { name: p.name, nnz: nnzOf(c), crc32: hex8(crc32(bytesOf(rows), crc32(bytesOf(c.rowPtr)))) };
    }
    return { name: p.name, nnz: c.post.length, crc32: hex8(crc32(bytesOf(c.post), crc32(bytesOf(c.rowPtr)))) };
  });
}

/** The arrays of a run checkpoint: the snapshot's, plus the imported synapses of `imported` projections. */
export function checkpointArrays<S extends EngineSnapshot | StreamedSnapshot>(snap: S, net: BuiltNetwork, imported: number[]): S['arrays'] {
  const arrays: S['arrays'] = { ...snap.arrays };
  for (const i of imported) {
    arrays[`net.rowPtr.${i}`] = net.csr[i]!.rowPtr;
    arrays[`net.post.${i}`] = net.csr[i]!.post;
  }
  return arrays;
}

/** The engine snapshot stored in a decoded checkpoint. */
export function snapshotOf(ck: DecodedCheckpoint): EngineSnapshot {
  const m = ck.meta as unknown as RunCheckpointMeta;
  const arrays: Record<string, SnapshotArray> = {};
  for (const [k, v] of Object.entries(ck.arrays)) if (!k.startsWith('net.')) arrays[k] = v;
  return { backend: typeof m.snapshotBackend === 'string' ? m.snapshotBackend : 'cpu', step: m.step, scalars: m.scalars ?? {}, arrays };
}

/** As snapshotOf, with the sections left in the file (openCheckpointFile's sources) as sources. */
export function streamedSnapshotOf(ck: DecodedCheckpoint): StreamedSnapshot {
  const s = snapshotOf(ck);
  const arrays: StreamedSnapshot['arrays'] = {};
  for (const sec of ck.header.sections) {
    const a = s.arrays[sec.name] ?? (sec.name.startsWith('net.') ? undefined : ck.sources?.[sec.name]);
    if (a) arrays[sec.name] = a;
  }
  return { ...s, arrays };
}

/** Whether section `name` of a run checkpoint may stay in the file on resume: a plastic weight array not imported (--init-weights keeps those on the host). */
export function streamableSection(name: string, meta: Record<string, unknown>): boolean {
  const m = /^state\.weights\.(\d+)$/.exec(name);
  const imported = (meta as Partial<RunCheckpointMeta>).importedStructure;
  return m !== null && Array.isArray(imported) && !imported.includes(Number(m[1]));
}

/** The run meta of a decoded checkpoint, with its fields checked. */
export function runMetaOf(ck: DecodedCheckpoint, what: string): RunCheckpointMeta {
  const m = ck.meta as Partial<RunCheckpointMeta>;
  if (typeof m.step !== 'number' || typeof m.specHash !== 'string' || !m.spec || !Array.isArray(m.connectivity) || !Array.isArray(m.importedStructure))
    throw new CheckpointError(`${what} is not a run checkpoint (step, spec, specHash or connectivity missing)`);
  if (specHash(m.spec) !== m.specHash) throw new CheckpointError(`${what}: its spec does not match its own spec hash`);
  return m as RunCheckpointMeta;
}

/** Puts the imported synapses (from --init-weights) stored in a checkpoint back into a freshly built network. */
export function restoreImportedStructure(net: BuiltNetwork, ck: DecodedCheckpoint, m: RunCheckpointMeta, what: string): void {
  for (const i of m.importedStructure) {
    const pr = net.derived.projections[i];
    const rowPtr = ck.arrays[`net.rowPtr.${i}`];
    const post = ck.arrays[`net.post.${i}`];
    const w = ck.arrays[`state.weights.${i}`];
    if (!pr || !(rowPtr instanceof Int32Array) || !(post instanceof Int32Array) || !(w instanceof Float32Array) || rowPtr.length !== pr.pre.size + 1 || post.length !== w.length)
      throw new CheckpointError(`${what}: imported synapses of projection ${i} are missing or malformed`);
    const csr0 = { nPre: pr.pre.size, nPost: pr.post.size, rowPtr, post, weight: w, colPtr: new Int32Array(0), colSyn: new Int32Array(0), colPre: new Int32Array(0) };
    replaceProjection(net, i, csrFromSynapses(pr, preOfCsr(pr, csr0), post, w));
  }
}

/** Refuses a network whose connectivity differs from the checkpoint's fingerprint (an incompatible version). */
export function checkConnectivity(net: BuiltNetwork, m: RunCheckpointMeta, what: string): void {
  const fp = connectivityFingerprint(net);
  for (const [k, c] of m.connectivity.entries()) {
    const f = fp[k];
    if (!f || f.name !== c.name || f.nnz !== c.nnz || f.crc32 !== c.crc32)
      throw new CheckpointError(
        `${what}: projection ${c.name} was built with ${c.nnz} synapses (crc ${c.crc32}) but this plasticnet builds ${f ? `${f.nnz} (crc ${f.crc32})` : 'no such projection'}: the checkpoint comes from an incompatible version`,
      );
  }
  if (fp.length !== m.connectivity.length) throw new CheckpointError(`${what}: the checkpoint has ${m.connectivity.length} projections, the spec builds ${fp.length}`);
}

/** Rebuilds the network of a checkpointed run (seed, then imported synapses) and checks its connectivity. */
export function networkOfCheckpoint(ck: DecodedCheckpoint, spec: NetworkSpec, what: string): BuiltNetwork {
  const m = runMetaOf(ck, what);
  let net: BuiltNetwork;
  try {
    net = buildNetwork(derive(validate(spec)));
  } catch (e) {
    if (e instanceof SpecError) throw new CheckpointError(`${what}: its spec no longer validates: ${e.message}`);
    throw e;
  }
  restoreImportedStructure(net, ck, m, what);
  checkConnectivity(net, m, what);
  return net;
}
