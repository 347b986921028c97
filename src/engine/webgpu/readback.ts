// Readback of one submission: the Ctl header, the spike record and the bin slots it closed are copied
// into a staging buffer at the end of its command buffer and mapped once. Two of these alternate, so
// the GPU runs submission k + 1 while the host feeds submission k to the shared Recorder.
import { Ctl, NO_OVERFLOW } from './layout.ts';
import type { GpuPlan } from './plan.ts';
import { unpack } from './schema.ts';

export interface ChunkData {
  recCount: number;
  ovfStep: number;
  ovfIndex: number;
  /** State fault at a bin end (NO_OVERFLOW: none): lowest bad neuron / weight index, V bits. */
  faultStep: number;
  vBad: number;
  vBadBits: number;
  wBad: number;
  /** The weight at wBad (read after the run halted), for the message. */
  wBadValue?: number;
  rec: Uint32Array; // (step, id) pairs, min(recCount, recCap) of them
  bins: Map<number, Float32Array>; // bin index -> slot contents
}

export class Readback {
  readonly staging: GPUBuffer;
  private readonly recBytes: number;
  private readonly binBytes: number;
  private readonly maxBins: number;
  start = 0;
  steps = 0;
  bins: number[] = [];
  mapped: Promise<void> | null = null;
  /** Clock reading (ms) when its submission was handed to the queue (SubmitPacer). */
  submitted_ms = 0;
  errors: Promise<GPUError | null>[] = [];

  constructor(private readonly device: GPUDevice, private readonly plan: GpuPlan, index: number) {
    this.recBytes = 8 * plan.recCap;
    this.binBytes = 4 * plan.binStride;
    const d = plan.net.derived;
    this.maxBins = Math.ceil(plan.opts.stepsPerSubmit / d.binSteps) + 1;
    this.staging = device.createBuffer({
      label: `Readback.staging[${index}]`,
      size: plan.ctlHeaderBytes + this.recBytes + this.maxBins * this.binBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /** Records the copies for steps [start, start + steps) into encoder (after the compute work). */
  encodeCopies(encoder: GPUCommandEncoder, ctl: GPUBuffer, binsBuf: GPUBuffer, start: number, steps: number): void {
    const d = this.plan.net.derived;
    this.start = start;
    this.steps = steps;
    this.bins = [];
    for (let t = start; t < start + steps; t++) if ((t + 1) % d.binSteps === 0) this.bins.push((t + 1) / d.binSteps - 1);
    if (this.bins.length > this.maxBins) throw new Error(`Readback: ${this.bins.length} bins in one submission (max ${this.maxBins})`);
    const hdr = this.plan.ctlHeaderBytes;
    encoder.copyBufferToBuffer(ctl, 0, this.staging, 0, hdr);
    encoder.copyBufferToBuffer(ctl, hdr + 4 * this.plan.list.offset.rec, this.staging, hdr, this.recBytes);
    this.bins.forEach((b, k) => {
      const slot = b % this.plan.binCap;
      encoder.copyBufferToBuffer(binsBuf, slot * this.binBytes, this.staging, hdr + this.recBytes + k * this.binBytes, this.binBytes);
    });
  }

  /** Maps the staging buffer and copies out what the host needs; unmaps it again. */
  async read(): Promise<ChunkData> {
    await (this.mapped ?? this.staging.mapAsync(GPUMapMode.READ));
    this.mapped = null;
    try {
      const range = this.staging.getMappedRange();
      const h = unpack(Ctl, new DataView(range, 0, this.plan.ctlHeaderBytes)) as Record<string, number>;
      const recCount = h.recCount!;
      const n = Math.min(recCount, this.plan.recCap);
      const rec = new Uint32Array(range.slice(this.plan.ctlHeaderBytes, this.plan.ctlHeaderBytes + 8 * n));
      const bins = new Map<number, Float32Array>();
      this.bins.forEach((b, k) => {
        const at = this.plan.ctlHeaderBytes + this.recBytes + k * this.binBytes;
        bins.set(b, new Float32Array(range.slice(at, at + this.binBytes)));
      });
      return {
        recCount,
        ovfStep: h.ovfStep ?? NO_OVERFLOW,
        ovfIndex: h.ovfIndex ?? 0,
        faultStep: h.faultStep ?? NO_OVERFLOW,
        vBad: h.vBad ?? NO_OVERFLOW,
        vBadBits: h.vBadBits ?? 0,
        wBad: h.wBad ?? NO_OVERFLOW,
        rec,
        bins,
      };
    } finally {
      this.staging.unmap();
    }
  }

  destroy(): void {
    this.staging.destroy();
  }
}
