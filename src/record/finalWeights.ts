// The final weights of a plastic projection by chunks of whole rows (synapse order), so that a reader holds one
// chunk, not the projection: the engine's f32 weights J of the chunk (read from the engine: the CPU engine's arrays,
// the WebGPU engine's device buffer), j = J / jScale (as the recorder's finalWeights), the global pre index of each
// synapse (from the row pointers) and its global post index (the WebGPU engine's graph read back; else the host's
// CSR, or regenerated from the seed for a projection whose targets live on the device only: Csr.postInto). Each chunk holds whole rows and at most
// `maxSynapses` synapses (a longer row alone). The four chunk arrays are allocated once per pass, through `alloc`.
import type { BuiltNetwork } from '../network/network.ts';
import type { Csr } from '../network/connectivity.ts';

/** One chunk of rows [row0, row1) (local pre indices): synapses [s0, s0 + n) of the projection. */
export interface WeightChunk {
  row0: number;
  row1: number;
  s0: number;
  n: number;
  J: Float32Array; // the engine's scaled f32 weights (length n)
  j: Float32Array; // J / jScale: j units (J times sqrt(N))
  pre: Int32Array; // global presynaptic index
  post: Int32Array; // global postsynaptic index
}

/** Reads the engine's f32 weights of synapses [s0, s0 + out.length) of projection `proj` into `out`. */
export type ReadWeights = (proj: number, s0: number, out: Float32Array) => Promise<void> | void;

/** Reads the global post indices of synapses [s0, s0 + out.length) of projection `proj` from the engine into `out`. */
export type ReadTargets = (proj: number, s0: number, out: Int32Array) => Promise<void> | void;

/** Allocates the bytes of one chunk array (4 bytes per element); tests count with it. */
export type ChunkAlloc = (bytes: number) => ArrayBuffer;

/** The final weights of one plastic projection, readable chunk by chunk. */
export interface FinalWeightSource {
  readonly name: string;
  readonly proj: number; // projection index
  readonly nnz: number; // synapses (row pointers)
  readonly nPre: number;
  /** Post indices are global: below postEnd (the post population's offset + size). */
  readonly postEnd: number;
  /** Visits the chunks in synapse order (awaiting each visit); returns the chunk capacity used (synapses). */
  chunks(maxSynapses: number, visit: (c: WeightChunk) => void | Promise<void>, alloc?: ChunkAlloc): Promise<number>;
}

/** Default chunk size: 2^22 synapses (64 MiB of chunk arrays). */
export const FINAL_WEIGHT_CHUNK_SYNAPSES = 2 ** 22;

const defaultAlloc: ChunkAlloc = (bytes) => new ArrayBuffer(bytes);

/** The global post indices of rows [r0, r1) (synapses [s0, s0 + out.length)): the host CSR's, or regenerated from the seed. */
function postRows(c: Csr, r0: number, r1: number, s0: number, out: Int32Array): void {
  if (c.postInto) c.postInto(r0, r1, out);
  else out.set(c.post.subarray(s0, s0 + out.length));
}

/**
 * One source per plastic projection of `net`, in projection order; `read` gives the engine's weights, `readTargets`
 * (optional) its post indices, read instead of the host's (a WebGPU engine's graph holds them: reading them back is
 * far faster than regenerating the targets of a device-built projection on the host).
 */
export function finalWeightSources(net: BuiltNetwork, read: ReadWeights, readTargets?: ReadTargets): FinalWeightSource[] {
  const d = net.derived;
  return d.projections
    .filter((p) => p.plastic)
    .map((pr) => {
      const c = net.csr[pr.index]!;
      const rowPtr = c.rowPtr;
      const nPre = c.nPre;
      const nnz = rowPtr[nPre]!;
      return {
        name: pr.name,
        proj: pr.index,
        nnz,
        nPre,
        postEnd: pr.post.offset + pr.post.size,
        async chunks(maxSynapses: number, visit: (ch: WeightChunk) => void | Promise<void>, alloc: ChunkAlloc = defaultAlloc): Promise<number> {
          if (!(Number.isInteger(maxSynapses) && maxSynapses >= 1)) throw new RangeError(`final weights ${pr.name}: chunk of ${maxSynapses} synapses: allowed a whole number >= 1`);
          let longest = 0;
          for (let k = 0; k < nPre; k++) longest = Math.max(longest, rowPtr[k + 1]! - rowPtr[k]!);
          const cap = Math.max(1, Math.min(nnz, Math.max(maxSynapses, longest)));
          const J = new Float32Array(alloc(4 * cap));
          const j = new Float32Array(alloc(4 * cap));
          const pre = new Int32Array(alloc(4 * cap));
          const post = new Int32Array(alloc(4 * cap));
          let r0 = 0;
          while (r0 < nPre) {
            const s0 = rowPtr[r0]!;
            let r1 = r0 + 1;
            while (r1 < nPre && rowPtr[r1 + 1]! - s0 <= cap) r1++;
            const n = rowPtr[r1]! - s0;
            const ch: WeightChunk = { row0: r0, row1: r1, s0, n, J: J.subarray(0, n), j: j.subarray(0, n), pre: pre.subarray(0, n), post: post.subarray(0, n) };
            if (n > 0) {
              await read(pr.index, s0, ch.J);
              for (let s = 0; s < n; s++) ch.j[s] = ch.J[s]! / pr.jScale;
              for (let k = r0; k < r1; k++) ch.pre.fill(pr.pre.offset + k, rowPtr[k]! - s0, rowPtr[k + 1]! - s0);
              if (readTargets) await readTargets(pr.index, s0, ch.post);
              else postRows(c, r0, r1, s0, ch.post);
              await visit(ch);
            }
            r0 = r1;
          }
          return cap;
        },
      };
    });
}
