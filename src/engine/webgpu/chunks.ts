// Chunked storage: the arrays that grow with the synapse count (`graph`, `weight`, and the column index
// `colidx` when GpuPlan splits it from graph: plan.ts splitColumns) may span several
// storage bindings ("chunks"), each its own GPUBuffer, because a device's maxStorageBufferBindingSize
// (2 GiB - 4 on an H100 through Dawn) is far below its maxBufferSize and below what N = 10^5 needs.
// Element i of a chunked array lives in chunk floor(i / chunkElems) at i - chunk * chunkElems; the
// shaders reach it only through accessors generated for the chunk count (layout.ts chunkAccessors), and
// indices stay u32, so an array is refused at MAX_CHUNKED_ELEMS. This file plans the chunks (pure, no
// device) and refuses a network that does not fit, naming bytes, chunks and bindings against the limits.
import type { BufferName } from './layout.ts';

/** The arrays that may span several bindings; every other buffer is one binding. colidx exists only when split. */
export type ChunkedName = 'weight' | 'graph' | 'colidx';
export const CHUNKED: readonly ChunkedName[] = ['weight', 'graph', 'colidx'];

/**
 * Elements a chunked array may hold: its u32 indices, a one-past-the-end row pointer and a thread's
 * stride past it (ROW_THREADS, REDUCE_BLOCK: at most 2^16 beyond the end) must not wrap at 2^32.
 */
export const MAX_CHUNKED_ELEMS = 2 ** 32 - 2 ** 16;

/** How one array of 4-byte elements is split into bindings. */
export interface ChunkPlan {
  /** Elements of the array. */
  elems: number;
  /** Elements per chunk (the last may hold fewer); with one chunk, the whole array. */
  chunkElems: number;
  /** Chunks (bindings, buffers): at least 1. */
  count: number;
}

/** The split of an array of `elems` 4-byte elements into chunks of at most maxBytes each. */
export function chunkPlan(elems: number, maxBytes: number): ChunkPlan {
  const per = Math.floor(maxBytes / 4);
  if (!(per >= 4)) throw new RangeError(`chunkPlan: a chunk of at most ${maxBytes} bytes holds fewer than 4 elements`);
  if (elems <= per) return { elems, chunkElems: Math.max(elems, 1), count: 1 };
  return { elems, chunkElems: per, count: Math.ceil(elems / per) };
}

/** Elements held by chunk k. */
export function chunkLength(c: ChunkPlan, k: number): number {
  return Math.max(0, Math.min(c.chunkElems, c.elems - k * c.chunkElems));
}

/** Bytes of chunk k's buffer (at least 16: empty bindings are not allowed). */
export function chunkBytes(c: ChunkPlan, k: number): number {
  return Math.max(16, 4 * chunkLength(c, k));
}

/** Tests only: a cap on the bytes of every chunk, or per chunked array. */
export type MaxChunkBytes = number | Partial<Record<ChunkedName, number>>;

/** The buffers that are always one binding each (besides the uniform P). */
const SINGLE: readonly BufferName[] = ['ctl', 'fstate', 'istate', 'acc', 'bins'];

/** Where a plan's arrays go: the chunks of graph, weight and the split column index, and the storage bindings of every pipeline. */
export interface StorageLayout {
  weight: ChunkPlan;
  graph: ChunkPlan;
  /** The column index's own chunks (GpuPlan.colsSplit); null when it lives in graph. */
  colidx: ChunkPlan | null;
  /** Storage buffers in the shared pipeline layout: the single ones plus every chunk. */
  storageBindings: number;
}

/** What the planner needs of a GpuPlan (a plain object in unit tests). */
export interface StorageNeeds {
  bytes(): Record<BufferName, number>;
  describe(name: BufferName): string;
  weightLen: number;
  graph: { total: number };
  /** Split column index (GpuPlan.colsSplit): its elements; absent or false: the column index is part of graph. */
  colsSplit?: boolean;
  colidx?: { total: number };
}

export type StorageLimits = Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxStorageBuffersPerShaderStage'>;

const fmt = (n: number): string => n.toLocaleString('en');
const HINT = 'Reduce N or the connection probability, use a GPU with larger limits, or run with --backend cpu.';

/**
 * Plans the storage of `plan` on a device with `limits`, or throws naming what does not fit: a single
 * buffer over the binding/buffer size, a chunked array over 2^32 elements, or more storage bindings than
 * maxStorageBuffersPerShaderStage. maxChunkBytes (tests only) caps chunk sizes below the limits.
 */
export function planStorage(plan: StorageNeeds, limits: StorageLimits, deviceName: string, maxChunkBytes?: MaxChunkBytes): StorageLayout {
  const bytes = plan.bytes();
  const maxBinding = limits.maxStorageBufferBindingSize;
  const maxBuffer = limits.maxBufferSize;
  const limit = Math.min(maxBinding, maxBuffer);
  const limitName = maxBinding <= maxBuffer ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  const which = `${limitName} = ${fmt(limit)}`;
  const where = (name: BufferName): string => `buffer SimState.${name} needs ${fmt(bytes[name])} bytes (${plan.describe(name)})`;
  for (const name of SINGLE) {
    if (bytes[name] > limit)
      throw new Error(`Network does not fit on ${deviceName}: ${where(name)} but the device allows ${which} bytes. ${HINT}`);
  }
  const split = plan.colsSplit === true;
  const elems: Record<ChunkedName, number> = { weight: plan.weightLen, graph: plan.graph.total, colidx: split ? (plan.colidx?.total ?? 0) : 0 };
  const arrays = CHUNKED.filter((n) => n !== 'colidx' || split);
  for (const name of arrays) {
    if (elems[name] > MAX_CHUNKED_ELEMS)
      throw new Error(
        `Network does not fit the WebGPU engine: ${where(name)}: ${fmt(elems[name])} elements, but its u32 indices ` +
          `address at most ${fmt(MAX_CHUNKED_ELEMS)} (2^32 - 2^16). ${HINT}`,
      );
  }
  const capOf = (name: ChunkedName): number => {
    const c = typeof maxChunkBytes === 'number' ? maxChunkBytes : maxChunkBytes?.[name];
    return c !== undefined ? Math.min(limit, c) : limit;
  };
  const weight = chunkPlan(elems.weight, capOf('weight'));
  const graph = chunkPlan(elems.graph, capOf('graph'));
  const colidx = split ? chunkPlan(elems.colidx, capOf('colidx')) : null;
  const storageBindings = SINGLE.length + weight.count + graph.count + (colidx?.count ?? 0);
  const maxBindings = limits.maxStorageBuffersPerShaderStage;
  if (storageBindings > maxBindings) {
    const chunks = (name: ChunkedName, c: ChunkPlan): string =>
      `${where(name)} in ${c.count} chunk${c.count > 1 ? 's' : ''} of at most ${fmt(4 * c.chunkElems)} bytes`;
    const capped = arrays.some((n) => capOf(n) < limit);
    const parts = colidx ? `${chunks('graph', graph)}, ${chunks('colidx', colidx)}, and ${chunks('weight', weight)}` : `${chunks('graph', graph)}, and ${chunks('weight', weight)}`;
    const counts = `${weight.count} weight and ${graph.count} graph${colidx ? ` and ${colidx.count} colidx` : ''} chunks`;
    throw new Error(
      `Network does not fit on ${deviceName}: ${parts} ` +
        `(${which} bytes${capped ? ', chunks capped by maxChunkBytes' : ''}): ` +
        `${storageBindings} storage bindings per pipeline (${SINGLE.join(', ')}, ${counts}) ` +
        `but the device allows maxStorageBuffersPerShaderStage = ${maxBindings}. ${HINT}`,
    );
  }
  return { weight, graph, colidx, storageBindings };
}
