// ChunkedBuffer: one array of 4-byte elements held in chunk buffers (chunks.ts), written and read by
// global element index. Writes go through queue.writeBuffer on subarrays of the caller's data, split at
// chunk boundaries and into pieces of at most PIECE_BYTES, so a multi-GB CSR array is uploaded without
// a host copy of it; reads go through staging buffers of at most PIECE_BYTES, one at a time.
import { chunkBytes, chunkLength, type ChunkPlan } from './chunks.ts';

/** Largest single writeBuffer / staging copy (Dawn stages each write; pieces bound that memory). */
const PIECE_BYTES = 64 * 2 ** 20;
/** Bytes written between waits for the queue, so Dawn can release the staging memory of earlier writes. */
const FLUSH_BYTES = 512 * 2 ** 20;

export type Words = Uint32Array | Int32Array | Float32Array;

export class ChunkedBuffer {
  readonly buffers: GPUBuffer[];
  private pending = 0;

  /** Buffers labelled `label` (one chunk, as before chunking) or `label[k]`. */
  constructor(private readonly device: GPUDevice, readonly label: string, readonly plan: ChunkPlan, usage: GPUBufferUsageFlags) {
    this.buffers = Array.from({ length: plan.count }, (_, k) =>
      device.createBuffer({ label: plan.count === 1 ? label : `${label}[${k}]`, size: chunkBytes(plan, k), usage }),
    );
  }

  /** Calls f(chunk, offset in chunk, start in the range, length) for each piece of [at, at + n). */
  private pieces(at: number, n: number, f: (k: number, off: number, start: number, len: number) => void): void {
    const { chunkElems, elems } = this.plan;
    if (!(at >= 0 && n >= 0 && at + n <= Math.max(elems, 0))) throw new RangeError(`${this.label}: elements [${at}, ${at + n}) outside [0, ${elems})`);
    const maxPiece = PIECE_BYTES / 4;
    for (let i = 0; i < n; ) {
      const k = Math.floor((at + i) / chunkElems);
      const off = at + i - k * chunkElems;
      const len = Math.min(n - i, chunkLength(this.plan, k) - off, maxPiece);
      f(k, off, i, len);
      i += len;
    }
  }

  /**
   * Writes data at element `at` (writeBuffer copies it at once: the caller may reuse `data`). Returns
   * true when FLUSH_BYTES have been written since the last flush(): the caller should await flush().
   */
  write(at: number, data: Words): boolean {
    this.pieces(at, data.length, (k, off, start, len) => {
      this.device.queue.writeBuffer(this.buffers[k]!, 4 * off, data as ArrayBufferView<ArrayBuffer>, start, len);
    });
    this.pending += 4 * data.length;
    return this.pending >= FLUSH_BYTES;
  }

  /** Waits for the queue (its staging memory is released) once enough has been written. */
  async flush(): Promise<void> {
    this.pending = 0;
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Reads elements [at, at + out.length) into out, piece by piece. */
  async read(at: number, out: Words): Promise<void> {
    const jobs: [k: number, off: number, start: number, len: number][] = [];
    this.pieces(at, out.length, (...job) => jobs.push(job));
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    for (const [k, off, start, len] of jobs) {
      const staging = this.device.createBuffer({ label: `${this.label}.read`, size: 4 * len, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      try {
        const enc = this.device.createCommandEncoder({ label: `${this.label}.read` });
        enc.copyBufferToBuffer(this.buffers[k]!, 4 * off, staging, 0, 4 * len);
        this.device.queue.submit([enc.finish()]);
        await staging.mapAsync(GPUMapMode.READ);
        bytes.set(new Uint8Array(staging.getMappedRange()), 4 * start);
      } finally {
        staging.destroy();
      }
    }
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
