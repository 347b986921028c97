// A network whose 'bernoulli-counter' projections are built on the GPU, for the WebGPU engine: the host
// keeps only what the engine reads there. Static projections: their row pointers (nPre + 1 words, from
// the device's row-length pass) and nothing per synapse; their targets and column index exist on the
// device only (the engine builds them into its graph, deviceGraph.ts), and their weights (all J) are
// allocated only if something reads them. Plastic projections are built on the device and copied back
// whole (the recorder and the run guards name their synapses). Every other projection, and any that
// does not fit the device build (buildRefusal), is built on the host as buildNetwork does.
// Such a network runs on the WebGPU engine only: the CPU engine and exports read the targets of every
// projection, and get an error naming the projection (use buildNetwork for those). Run checkpoints read none
// (connectivityFingerprint regenerates a few rows of a 'bernoulli-counter' projection on the host); the CLI
// builds with it under --build auto|device (src/pipeline/networkBuild.ts).
import type { Derived, DerivedProjection } from '../../model/derive.ts';
import { buildNetwork, type BuiltNetwork } from '../../network/network.ts';
import { buildProjection, lazyWeights, type Csr } from '../../network/connectivity.ts';
import { counterPostInto } from '../../network/counterRows.ts';
import { buildRefusal, ConnectivityBuild, destroyDeviceCsr } from './ConnectivityBuild.ts';
import { chunkedBuildWords } from './deviceGraph.ts';

/** What buildNetworkOnDevice did per projection, and the device time it took. */
export interface DeviceNetworkInfo {
  /** Static projections whose targets live on the device only. */
  deviceOnly: string[];
  /** Plastic projections built on the device and copied back. */
  copiedBack: string[];
  /** Plastic projections past one binding: built in chunks by the engine, targets rebuilt on the host only if read. */
  plasticDeviceOnly?: string[];
  /** Projections built on the host, with the reason. */
  host: { name: string; reason: string }[];
  device_ms: number;
}

/** A CSR of which the host holds the row pointers only: reading a per-synapse array throws, naming the projection. */
function rowsOnlyCsr(name: string, nPre: number, nPost: number, rowPtr: Int32Array, J: number): Csr {
  const shape = { nPre, nPost, rowPtr } as Omit<Csr, 'weight'>;
  for (const key of ['post', 'colPtr', 'colSyn', 'colPre'] as const) {
    Object.defineProperty(shape, key, {
      enumerable: false,
      get: (): never => {
        throw new Error(
          `projection ${name} was built on the GPU (buildNetworkOnDevice): its ${key} exists on the device only; the CPU engine and exports need the host build (buildNetwork)`,
        );
      },
    });
  }
  return lazyWeights(shape, J);
}

/**
 * A plastic projection the engine builds in chunks (its per-synapse arrays pass one binding): the host holds its
 * row pointers. Its targets are regenerated from the seed (counterPostInto: the same words as the device's) into
 * one array of exactly nnz words, checked row by row against the row pointers, only when something reads them (the
 * final-weight recording, a run-guard message): no column index and no growing build buffer. The column index is
 * rebuilt (buildProjection) only if read too (nothing in a WebGPU run does). Weights start at J on first read (the
 * engine builds its own on the device).
 */
function plasticOnDemandCsr(seed: number, pr: DerivedProjection, rowPtr: Int32Array): Csr {
  const shape = { nPre: pr.pre.size, nPost: pr.post.size, rowPtr } as Omit<Csr, 'weight'>;
  let post: Int32Array | null = null;
  Object.defineProperty(shape, 'post', {
    enumerable: false,
    get: (): Int32Array => {
      if (post === null) {
        post = new Int32Array(rowPtr[pr.pre.size]!);
        counterPostInto(seed, pr, rowPtr, 0, pr.pre.size, post);
      }
      return post;
    },
  });
  Object.defineProperty(shape, 'postInto', {
    enumerable: false,
    value: (rowLo: number, rowHi: number, out: Int32Array): void => {
      if (post !== null) out.set(post.subarray(rowPtr[rowLo]!, rowPtr[rowHi]!));
      else counterPostInto(seed, pr, rowPtr, rowLo, rowHi, out); // a chunk of rows: the whole targets are never held
    },
  });
  let full: Csr | null = null;
  for (const key of ['colPtr', 'colSyn', 'colPre'] as const) {
    Object.defineProperty(shape, key, { enumerable: false, get: (): Int32Array => (full ??= buildProjection(seed, pr))[key] });
  }
  return lazyWeights(shape, pr.J);
}

/**
 * Builds d's network with its 'bernoulli-counter' projections on `device` (see the file header). chunkBytes
 * (tests) lowers the binding size past which a projection is built in chunks (deviceGraph.chunkedBuildWords).
 */
export async function buildNetworkOnDevice(d: Derived, device: GPUDevice, chunkBytes = Infinity): Promise<{ net: BuiltNetwork; info: DeviceNetworkInfo }> {
  const seed = d.spec.seed >>> 0;
  const info: DeviceNetworkInfo = { deviceOnly: [], copiedBack: [], host: [], device_ms: 0 };
  const builder = d.projections.some((p) => p.connectivity === 'bernoulli-counter') ? await ConnectivityBuild.create(device) : null;
  const csr: Csr[] = [];
  for (const pr of d.projections) {
    if (!builder || pr.connectivity !== 'bernoulli-counter' || pr.storage === 'procedural') {
      csr.push(buildProjection(seed, pr));
      continue;
    }
    const t0 = performance.now();
    const rowPtr = await builder.rowPointers(seed, pr);
    const nnz = rowPtr[pr.pre.size]!;
    const plastic = pr.plastic !== null;
    // A projection whose per-synapse arrays pass one binding is device-only: the engine builds it in chunks.
    const chunked = chunkedBuildWords(device.limits, pr, nnz, chunkBytes) !== null;
    const why = chunked ? null : buildRefusal(device.limits, pr, nnz, { columns: plastic, weights: plastic });
    if (why !== null) {
      info.host.push({ name: pr.name, reason: why });
      csr.push(buildProjection(seed, pr));
    } else if (plastic && chunked) {
      csr.push(plasticOnDemandCsr(seed, pr, rowPtr));
      (info.plasticDeviceOnly ??= []).push(pr.name);
    } else if (plastic) {
      const dc = await builder.build(seed, pr);
      try {
        csr.push(await builder.download(dc));
      } finally {
        destroyDeviceCsr(dc);
      }
      info.copiedBack.push(pr.name);
    } else {
      csr.push(rowsOnlyCsr(pr.name, pr.pre.size, pr.post.size, rowPtr, pr.J));
      info.deviceOnly.push(pr.name);
    }
    info.device_ms += performance.now() - t0;
  }
  return { net: buildNetwork(d, undefined, csr), info };
}
