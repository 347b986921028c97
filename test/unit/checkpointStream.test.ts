// Checkpoints streamed by pieces (src/io/checkpointFile.ts writeCheckpointStream, openCheckpointFile): arrays given as
// sources are written piece by piece through one buffer and give the same bytes as the whole writer; a file opened
// for streaming checks its CRC by pieces, reads the other sections whole and leaves the named ones as sources.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { materializeSnapshot, type ArraySource, type SnapshotArray } from '../../src/engine/snapshot.ts';
import { CheckpointError, encodeCheckpoint } from '../../src/io/checkpoint.ts';
import { openCheckpointFile, readCheckpointFile, writeCheckpointFile, writeCheckpointStream } from '../../src/io/checkpointFile.ts';
import { streamableSection } from '../../src/io/runCheckpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'pn-ckstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pseudo-random f32 array (odd lengths: the padding after it matters). */
const f32 = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 43758.5453 % 1);

/** A source over `a` that records every read's length. */
function counted(a: Float32Array, reads: number[]): ArraySource {
  return { kind: 'source', dtype: 'f32', length: a.length, read: async (at, out) => { reads.push(out.length); out.set(a.subarray(at, at + out.length)); } };
}

function arraysOf(): Record<string, SnapshotArray> {
  return {
    'state.v': f32(13, 1),
    'state.refr': Int32Array.from({ length: 7 }, (_, i) => i - 3),
    'state.weights.0': f32(1001, 2),
    'rec.counts': Float64Array.from([1.5, 2.5, 3]),
    'state.weights.2': f32(333, 3),
    'state.ring.0': Uint16Array.from([1, 2, 3]),
  };
}

describe('checkpoints streamed by pieces', () => {
  it('writes the same bytes as the whole writer, through one buffer of at most the piece size', async () => {
    const arrays = arraysOf();
    const meta = { step: 42, importedStructure: [] };
    const whole = join(dir, 'whole.pnck');
    const size = writeCheckpointFile(whole, meta, arrays);
    const reads: number[] = [];
    const allocs: number[] = [];
    const mixed = { ...arrays, 'state.weights.0': counted(arrays['state.weights.0'] as Float32Array, reads), 'state.weights.2': counted(arrays['state.weights.2'] as Float32Array, reads) };
    const streamed = join(dir, 'streamed.pnck');
    const got = await writeCheckpointStream(streamed, meta, mixed, undefined, { chunkElems: 97, alloc: (n) => (allocs.push(n), new Float32Array(n)) });
    expect(got).toBe(size);
    expect(Buffer.compare(readFileSync(streamed), readFileSync(whole))).toBe(0);
    expect(Buffer.compare(readFileSync(whole), Buffer.from(encodeCheckpoint(meta, arrays)))).toBe(0);
    expect(allocs).toEqual([97]); // one piece buffer for every source
    expect(reads.length).toBe(Math.ceil(1001 / 97) + Math.ceil(333 / 97));
    expect(Math.max(...reads)).toBe(97);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(1001 + 333);
  });

  it('a failing source leaves no file and throws its own error', async () => {
    const path = join(dir, 'fail.pnck');
    const bad: ArraySource = { kind: 'source', dtype: 'f32', length: 10, read: () => { throw new Error('device lost'); } };
    await expect(writeCheckpointStream(path, {}, { 'state.weights.0': bad })).rejects.toThrow('device lost');
    expect(() => readFileSync(path)).toThrow();
  });

  it('opens a file for streaming: CRC checked by pieces, named sections left as sources that read the same values', async () => {
    const arrays = arraysOf();
    const path = join(dir, 'open.pnck');
    writeCheckpointFile(path, { step: 1, importedStructure: [2] }, arrays);
    const ck = openCheckpointFile(path, (name, h) => streamableSection(name, h.meta), { chunkBytes: 64 });
    const all = readCheckpointFile(path);
    // weights.2 is imported (--init-weights keeps those on the host): read whole; weights.0 streamed.
    expect(Object.keys(ck.sources ?? {})).toEqual(['state.weights.0']);
    expect(Object.keys(ck.arrays)).toEqual(Object.keys(all.arrays).filter((k) => k !== 'state.weights.0'));
    for (const [k, a] of Object.entries(ck.arrays)) expect(a, k).toEqual(all.arrays[k]);
    const s = await materializeSnapshot({ backend: 'cpu', step: 1, scalars: {}, arrays: { ...ck.arrays, ...ck.sources } });
    expect(s.arrays['state.weights.0']).toEqual(arrays['state.weights.0']);
    const part = new Float32Array(50);
    await ck.sources!['state.weights.0']!.read(951, part);
    expect(part).toEqual((arrays['state.weights.0'] as Float32Array).subarray(951));
    expect(() => ck.sources!['state.weights.0']!.read(952, part)).toThrow(RangeError);
  });

  it('refuses a damaged or truncated file with the whole reader\'s messages', () => {
    const path = join(dir, 'damaged.pnck');
    writeCheckpointFile(path, { step: 1, importedStructure: [] }, arraysOf());
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 100]! ^= 0x10; // inside the last weights section (streamed)
    writeFileSync(path, flipped);
    const stream = (name: string) => name.startsWith('state.weights.');
    expect(() => openCheckpointFile(path, stream, { chunkBytes: 64 })).toThrow(/checksum mismatch/);
    writeFileSync(path, bytes.subarray(0, 10));
    expect(() => openCheckpointFile(path, stream)).toThrow(CheckpointError);
    expect(() => openCheckpointFile(path, stream)).toThrow(/truncated \(10 bytes\)/);
    const magic = Buffer.from(bytes);
    magic[0] = 0;
    writeFileSync(path, magic);
    expect(() => openCheckpointFile(path, stream)).toThrow(/bad magic/);
    expect(() => openCheckpointFile(join(dir, 'none.pnck'), stream)).toThrow(/no checkpoint at/);
  });
});
