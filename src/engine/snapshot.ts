// Engine snapshots: the complete dynamic state of a run at a step boundary, in an engine-neutral layout,
// so a checkpoint written by one engine can be restored by another (e.g. a WebGPU run whose device was
// lost resumes on the CPU engine). src/io/checkpoint.ts stores a snapshot in a .pnck file.
//
// Layout: the names are those of the CPU engine's state (src/engine/state.ts, StateLayout; the CPU engine's CpuState), so any
// engine that can express its state in that layout (the WebGPU engine's downloadState does) can write
// and read the same checkpoints:
//   state.<field>        every typed-array field of CpuState (v f32[N], refr i32[N], current f32[nCh*N],
//                        acc f64[nCh*N] (zero at step boundaries; GPU i32 widened), spikes, signal, ...)
//   state.<field>.<i>    every array-of-typed-arrays field (traces.<t>, ring.<x>; weights.<p> for plastic
//                        projections only: static weights never change)
//   state.<field>        scalars: every number field (nSpikes, step, ...); number[] fields as f64 arrays
//   state.model.<key>    the models' declared state (StateVar in state.ts: 'neuron.<model>.<var>',
//                        'synapse.<channel>.<var>'); none for the built-in models
//   engine.curSum        f64 [nPops*nCh] current sums of the bin in progress (Recorder series input)
//   rec.*                the Recorder's state (Recorder.snapshot): counts, raster, series, ISI statistics,
//                        lastSpike, bin spike counts, and scalars rec.*
// Arrays may be views of live engine memory: valid until the engine next advances (copy to keep).
import type { BuiltNetwork } from '../network/network.ts';

export type SnapshotArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

export interface EngineSnapshot {
  backend: string; // the engine that produced it (its registered name)
  step: number; // steps completed
  scalars: Record<string, number>;
  arrays: Record<string, SnapshotArray>;
}

/**
 * An f32 array read by pieces instead of held whole (a device buffer, a checkpoint file): a checkpoint writes it
 * chunk by chunk, a resume uploads it chunk by chunk, so the host never holds all of it (the plastic weights).
 */
export interface ArraySource {
  readonly kind: 'source';
  readonly dtype: 'f32';
  readonly length: number; // elements
  /** Reads elements [at, at + out.length) into out. */
  read(at: number, out: Float32Array): Promise<void> | void;
}

/** A snapshot whose arrays may be sources (Engine.checkpointSnapshot, a checkpoint opened for streaming). */
export interface StreamedSnapshot extends Omit<EngineSnapshot, 'arrays'> {
  arrays: Record<string, SnapshotArray | ArraySource>;
}

export const isSource = (a: SnapshotArray | ArraySource): a is ArraySource => !ArrayBuffer.isView(a);

/** Elements per piece when a source is copied whole (materialize) or streamed by default: 2^24 (64 MiB of f32). */
export const SOURCE_CHUNK_ELEMS = 2 ** 24;

/** The source's elements in one host array (engines that need them whole: the CPU engine). */
export async function readSource(src: ArraySource, chunkElems = SOURCE_CHUNK_ELEMS): Promise<Float32Array> {
  const out = new Float32Array(src.length);
  for (let at = 0; at < src.length; at += chunkElems) await src.read(at, out.subarray(at, Math.min(src.length, at + chunkElems)));
  return out;
}

/** The snapshot with every source read into a host array (same key order). */
export async function materializeSnapshot(s: StreamedSnapshot): Promise<EngineSnapshot> {
  const arrays: Record<string, SnapshotArray> = {};
  for (const [k, a] of Object.entries(s.arrays)) arrays[k] = isSource(a) ? await readSource(a) : a;
  return { ...s, arrays };
}

/** A snapshot that does not fit the network or engine it is restored into (wrong sizes, missing arrays). */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

type Ctor = { new (n: number): SnapshotArray; readonly name: string };

/** The array `name` of `s`, checked for type and (when given) length. */
export function snapArray<T extends SnapshotArray>(s: EngineSnapshot, name: string, type: Ctor, length?: number): T {
  const a = s.arrays[name];
  if (!a) throw new SnapshotError(`snapshot has no array '${name}'`);
  if (!(a instanceof type)) throw new SnapshotError(`snapshot array '${name}' is ${a.constructor.name}, expected ${type.name}`);
  if (length !== undefined && a.length !== length) throw new SnapshotError(`snapshot array '${name}' has ${a.length} elements, this network needs ${length}`);
  return a as T;
}

/** The scalar `name` of `s` (a finite number). */
export function snapScalar(s: EngineSnapshot, name: string): number {
  const v = s.scalars[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SnapshotError(`snapshot has no scalar '${name}'`);
  return v;
}

/** Copies snapshot array `name` into `dst` after checking its type and length. */
export function restoreInto(s: EngineSnapshot, name: string, dst: SnapshotArray): void {
  dst.set(snapArray(s, name, dst.constructor as Ctor, dst.length) as never);
}

/** Whether state element `key` (index `i` for arrays of arrays) belongs in a snapshot. */
export type StateFilter = (key: string, i: number) => boolean;

/** Snapshot entries of a state object in CpuState's layout (see the top of this file). */
export function stateEntries(state: object, keep: StateFilter = () => true): { arrays: Record<string, SnapshotArray>; scalars: Record<string, number> } {
  const arrays: Record<string, SnapshotArray> = {};
  const scalars: Record<string, number> = {};
  for (const [k, v] of Object.entries(state)) {
    if (typeof v === 'number') scalars[`state.${k}`] = v;
    else if (ArrayBuffer.isView(v)) arrays[`state.${k}`] = v as SnapshotArray;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) arrays[`state.${k}`] = Float64Array.from(v as number[]);
    else if (Array.isArray(v)) v.forEach((x, i) => {
      if (ArrayBuffer.isView(x) && keep(k, i)) arrays[`state.${k}.${i}`] = x as SnapshotArray;
    });
    else if (v !== null && typeof v === 'object') for (const [key, x] of Object.entries(v)) {
      if (ArrayBuffer.isView(x)) arrays[`state.${k}.${key}`] = x as SnapshotArray;
    }
  }
  return { arrays, scalars };
}

/** Restores a state object from a snapshot: every entry is checked (presence, type, length) before any is written. */
export function restoreStateEntries(state: object, s: EngineSnapshot, keep: StateFilter = () => true): void {
  const o = state as Record<string, unknown>;
  const writes: (() => void)[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number') {
      const x = snapScalar(s, `state.${k}`);
      writes.push(() => (o[k] = x));
    } else if (ArrayBuffer.isView(v)) {
      const dst = v as SnapshotArray;
      // An empty array that older snapshots lack (the delay ring of a network without delays) is no error.
      if (dst.length === 0 && !(`state.${k}` in s.arrays)) continue;
      const src = snapArray(s, `state.${k}`, dst.constructor as Ctor, dst.length);
      writes.push(() => dst.set(src as never));
    } else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
      const src = snapArray(s, `state.${k}`, Float64Array, v.length);
      writes.push(() => src.forEach((x, i) => (v[i] = x)));
    } else if (Array.isArray(v)) {
      v.forEach((dst, i) => {
        if (!ArrayBuffer.isView(dst) || !keep(k, i)) return;
        const src = snapArray(s, `state.${k}.${i}`, (dst as SnapshotArray).constructor as Ctor, (dst as SnapshotArray).length);
        writes.push(() => (dst as SnapshotArray).set(src as never));
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [key, dst] of Object.entries(v)) {
        if (!ArrayBuffer.isView(dst)) continue;
        const src = snapArray(s, `state.${k}.${key}`, (dst as SnapshotArray).constructor as Ctor, (dst as SnapshotArray).length);
        writes.push(() => (dst as SnapshotArray).set(src as never));
      }
    }
  }
  for (const w of writes) w();
}

/** Checks a snapshot's step against a built network (engines check their arrays in restoreStateEntries). */
export function checkStep(s: EngineSnapshot, net: BuiltNetwork): void {
  const d = net.derived;
  if (!Number.isInteger(s.step) || s.step < 0 || s.step > d.nSteps) throw new SnapshotError(`snapshot step ${s.step} is outside this run's [0, ${d.nSteps}]`);
}
