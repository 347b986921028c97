// Per-pass GPU time from timestamp queries (webgpu-samples' TimestampQueryManager): every
// `every`-th step is encoded one compute pass per GPU pass with timestampWrites; durations are summed
// per pass name (negative or zero durations, which some adapters report, are discarded).
import type { GpuPassName } from './passes/pass.ts';

const CAPACITY = 4096; // queries per submission (two per timed pass)

export type PassTimes = Partial<Record<GpuPassName, { mean_us: number; samples: number }>>;

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuf: GPUBuffer;
  private readonly staging: GPUBuffer;
  private slots: GpuPassName[] = [];
  private pending: { map: Promise<void>; slots: GpuPassName[] } | null = null;
  private readonly sum = new Map<GpuPassName, number>();
  private readonly count = new Map<GpuPassName, number>();

  constructor(device: GPUDevice, private readonly every: number) {
    this.querySet = device.createQuerySet({ label: 'Profiler.querySet', type: 'timestamp', count: CAPACITY });
    this.resolveBuf = device.createBuffer({ label: 'Profiler.resolve', size: 8 * CAPACITY, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.staging = device.createBuffer({ label: 'Profiler.staging', size: 8 * CAPACITY, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Whether step t is timed (room is left for one more step of up to 16 passes). */
  wants(t: number): boolean {
    return t % this.every === 0 && 2 * (this.slots.length + 16) <= CAPACITY;
  }

  /** timestampWrites for the next timed pass. */
  writes(name: GpuPassName): GPUComputePassTimestampWrites {
    const i = this.slots.length;
    this.slots.push(name);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  resolve(enc: GPUCommandEncoder): void {
    const n = 2 * this.slots.length;
    if (n === 0) return;
    enc.resolveQuerySet(this.querySet, 0, n, this.resolveBuf, 0);
    enc.copyBufferToBuffer(this.resolveBuf, 0, this.staging, 0, 8 * n);
  }

  afterSubmit(): void {
    if (this.slots.length === 0) return;
    this.pending = { map: this.staging.mapAsync(GPUMapMode.READ, 0, 16 * this.slots.length), slots: this.slots };
    this.slots = [];
  }

  async collect(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    await p.map;
    const t = new BigUint64Array(this.staging.getMappedRange(0, 16 * p.slots.length).slice(0));
    this.staging.unmap();
    p.slots.forEach((name, i) => {
      const dt = Number(t[2 * i + 1]! - t[2 * i]!);
      if (!(dt > 0)) return;
      this.sum.set(name, (this.sum.get(name) ?? 0) + dt);
      this.count.set(name, (this.count.get(name) ?? 0) + 1);
    });
  }

  /** Mean µs per timed occurrence of each pass. */
  times(): PassTimes {
    const out: PassTimes = {};
    for (const [name, s] of this.sum) {
      const n = this.count.get(name)!;
      out[name] = { mean_us: s / n / 1000, samples: n };
    }
    return out;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuf.destroy();
    this.staging.destroy();
  }
}
