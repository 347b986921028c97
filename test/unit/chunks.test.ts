// Chunk planning (no device): how graph and weight split into storage bindings, the WGSL accessors and
// bindings generated for K chunks, and the refusals, with the sizes of the Akil network at N = 10^5
// measured on an H100 through Dawn (maxStorageBufferBindingSize = 2^31 - 4, maxBufferSize = 2^40).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkBytes, chunkLength, chunkPlan, MAX_CHUNKED_ELEMS, planStorage, type StorageLimits, type StorageNeeds } from '../../src/engine/webgpu/chunks.ts';
import { bindingEntries, BINDINGS, chunkAccessors, layoutWgsl, type BufferName } from '../../src/engine/webgpu/layout.ts';

const H100: StorageLimits = { maxStorageBufferBindingSize: 2 ** 31 - 4, maxBufferSize: 2 ** 40, maxStorageBuffersPerShaderStage: 12 };

/** A plan-like object with these buffer sizes (bytes; graph and weight from their element counts). */
function needs(graphElems: number, weightElems: number, other = 1 << 20): StorageNeeds {
  const bytes: Record<BufferName, number> = { ctl: other, fstate: other, istate: other, acc: other, bins: other, weight: 4 * weightElems, graph: 4 * graphElems, colidx: 0 };
  return { bytes: () => bytes, describe: (name) => `what ${name} holds`, weightLen: weightElems, graph: { total: graphElems } };
}

describe('chunkPlan', () => {
  it('one chunk holds the whole array; more split at the largest chunk that fits', () => {
    expect(chunkPlan(1000, 4000)).toEqual({ elems: 1000, chunkElems: 1000, count: 1 });
    expect(chunkPlan(0, 4000)).toEqual({ elems: 0, chunkElems: 1, count: 1 });
    expect(chunkPlan(1001, 4000)).toEqual({ elems: 1001, chunkElems: 1000, count: 2 });
    expect(chunkPlan(3000, 4003)).toEqual({ elems: 3000, chunkElems: 1000, count: 3 }); // whole elements only
    const c = chunkPlan(2500, 4000);
    expect([0, 1, 2].map((k) => chunkLength(c, k))).toEqual([1000, 1000, 500]);
    expect([0, 1, 2].map((k) => chunkBytes(c, k))).toEqual([4000, 4000, 2000]);
    expect(chunkBytes(chunkPlan(0, 4000), 0)).toBe(16); // empty bindings are not allowed
    expect(() => chunkPlan(10, 12)).toThrow(/fewer than 4 elements/);
  });
});

describe('planStorage', () => {
  it('Akil N = 10^5 on the H100 limits: graph in 3 chunks, weight in 1, 9 storage bindings', () => {
    // From the refusal before chunking: graph 6,081,164,752 B; colW 639,949,828 B = the E<-I weights.
    const graph = 6_081_164_752 / 4;
    const weight = 639_949_828 / 4;
    const s = planStorage(needs(graph, weight), H100, 'H100');
    expect(s.graph).toEqual({ elems: graph, chunkElems: 2 ** 29 - 1, count: 3 });
    expect(s.weight).toEqual({ elems: weight, chunkElems: weight, count: 1 });
    expect(s.storageBindings).toBe(9);
    // Every synapse plastic (1.2e9 weights, 4.8 GB; colW and colPre for each: graph ~3.6e9 elements):
    // 3 weight and 7 graph chunks, 15 storage bindings: over Dawn's 12.
    expect(() => planStorage(needs(3.6e9, 1.2e9), H100, 'H100')).toThrow(/in 7 chunks .* in 3 chunks .* 15 storage bindings per pipeline .* = 12\./);
    expect(planStorage(needs(3.6e9, 1.2e9), { ...H100, maxStorageBuffersPerShaderStage: 16 }, 'H100')).toMatchObject({ storageBindings: 15 });
  });

  it('refuses more storage bindings than maxStorageBuffersPerShaderStage, naming bytes, chunks and limits', () => {
    const n = needs(6_081_164_752 / 4, 639_949_828 / 4);
    expect(() => planStorage(n, { ...H100, maxStorageBuffersPerShaderStage: 8 }, 'an 8-binding device')).toThrow(
      'Network does not fit on an 8-binding device: buffer SimState.graph needs 6,081,164,752 bytes (what graph holds) in 3 chunks ' +
        'of at most 2,147,483,644 bytes, and buffer SimState.weight needs 639,949,828 bytes (what weight holds) in 1 chunk of at most ' +
        '639,949,828 bytes (maxStorageBufferBindingSize = 2,147,483,644 bytes): 9 storage bindings per pipeline (ctl, fstate, istate, ' +
        'acc, bins, 1 weight and 3 graph chunks) but the device allows maxStorageBuffersPerShaderStage = 8.',
    );
  });

  it('refuses an array whose u32 indices would wrap, and a one-binding buffer over the limit', () => {
    expect(() => planStorage(needs(MAX_CHUNKED_ELEMS + 1, 10), { ...H100, maxStorageBuffersPerShaderStage: 1000 }, 'd')).toThrow(
      /SimState\.graph needs 17,179,607,044 bytes \(what graph holds\): 4,294,901,761 elements, but its u32 indices address at most 4,294,901,760/,
    );
    expect(() => planStorage(needs(10, 10, 2 ** 31), H100, 'd')).toThrow(/SimState\.ctl needs 2,147,483,648 bytes .* maxStorageBufferBindingSize = 2,147,483,644/);
    expect(() => planStorage(needs(10, 10, 2 ** 20), { ...H100, maxBufferSize: 2 ** 19 }, 'd')).toThrow(/maxBufferSize = 524,288/);
  });

  it('maxChunkBytes caps every chunk or each array (tests)', () => {
    const n = needs(40_845, 4_029);
    expect(planStorage(n, H100, 'd', { weight: 4 * 1343, graph: 4 * 10_212 })).toMatchObject({ weight: { count: 3, chunkElems: 1343 }, graph: { count: 4, chunkElems: 10_212 }, storageBindings: 12 });
    expect(planStorage(n, H100, 'd', 4 * 20_000)).toMatchObject({ weight: { count: 1 }, graph: { count: 3 } });
    expect(() => planStorage(n, H100, 'd', 4 * 1343)).toThrow(/chunks capped by maxChunkBytes\): 39 storage bindings/);
  });
});

/** needs() with the column index split into its own array of colidxElems elements (GpuPlan.colsSplit). */
function splitNeeds(graphElems: number, colidxElems: number, weightElems: number, other = 1 << 20): StorageNeeds {
  const n = needs(graphElems, weightElems, other);
  const bytes = { ...n.bytes(), colidx: 4 * colidxElems };
  return { ...n, bytes: () => bytes, colsSplit: true, colidx: { total: colidxElems } };
}

describe('planStorage with the column index in its own array (colidx)', () => {
  const H200: StorageLimits = { ...H100, maxStorageBuffersPerShaderStage: 16 };
  it('Akil N = 3e5, input projections procedural: graph 3, colidx 5, weight 3 chunks: 16 storage bindings, exactly the H200 limit', () => {
    const s = planStorage(splitNeeds(1_440_062_201, 2_160_240_001, 1.44e9), H200, 'H200');
    expect(s.graph.count).toBe(3);
    expect(s.colidx).toEqual({ elems: 2_160_240_001, chunkElems: 2 ** 29 - 1, count: 5 });
    expect(s.weight.count).toBe(3);
    expect(s.storageBindings).toBe(16);
    expect(planStorage(needs(10, 10), H200, 'd').colidx).toBeNull(); // not split: no colidx binding
  });

  it('refuses, naming colidx with its bytes and chunks, past the bindings; and colidx past 2^32 - 2^16 elements by itself', () => {
    // colPre unpacked (2.88e9 + 240,001 elements: 6 chunks): 17 bindings
    expect(() => planStorage(splitNeeds(1_440_062_201, 2_880_240_001, 1.44e9), H200, 'an H200')).toThrow(
      'Network does not fit on an H200: buffer SimState.graph needs 5,760,248,804 bytes (what graph holds) in 3 chunks of at most 2,147,483,644 bytes, ' +
        'buffer SimState.colidx needs 11,520,960,004 bytes (what colidx holds) in 6 chunks of at most 2,147,483,644 bytes, ' +
        'and buffer SimState.weight needs 5,760,000,000 bytes (what weight holds) in 3 chunks of at most 2,147,483,644 bytes (maxStorageBufferBindingSize = 2,147,483,644 bytes): ' +
        '17 storage bindings per pipeline (ctl, fstate, istate, acc, bins, 3 weight and 3 graph and 6 colidx chunks) but the device allows maxStorageBuffersPerShaderStage = 16.',
    );
    expect(() => planStorage(splitNeeds(10, MAX_CHUNKED_ELEMS + 1, 10), { ...H100, maxStorageBuffersPerShaderStage: 1000 }, 'd')).toThrow(
      'Network does not fit the WebGPU engine: buffer SimState.colidx needs 17,179,607,044 bytes (what colidx holds): 4,294,901,761 elements, but its u32 indices address at most 4,294,901,760 (2^32 - 2^16).',
    );
    // at the limit: fits the index range
    expect(planStorage(splitNeeds(10, MAX_CHUNKED_ELEMS, 10), { ...H100, maxStorageBuffersPerShaderStage: 1000 }, 'd').colidx!.elems).toBe(MAX_CHUNKED_ELEMS);
  });

  it('maxChunkBytes caps colidx chunks too (tests)', () => {
    const s = planStorage(splitNeeds(1000, 700, 300), H200, 'd', { graph: 4 * 400, colidx: 4 * 200, weight: 4 * 150 });
    expect(s).toMatchObject({ graph: { count: 3 }, colidx: { count: 4, chunkElems: 200 }, weight: { count: 2 }, storageBindings: 14 });
    expect(() => planStorage(splitNeeds(1000, 700, 300), H100, 'd', { colidx: 4 * 100 })).toThrow(/chunks capped by maxChunkBytes\): 14 storage bindings .* 1 weight and 1 graph and 7 colidx chunks/);
  });
});

describe('generated bindings and accessors', () => {
  it('one chunk each: the BINDINGS layout, plain array accessors, no chunk constant', () => {
    const e = bindingEntries();
    expect(e.map((b) => b.binding)).toEqual(BINDINGS.map((_, i) => i));
    expect(e.map((b) => b.wgslName)).toEqual(['P', 'ctl', 'fstate', 'istate', 'acc', 'weight_0', 'graph_0', 'bins']);
    expect(chunkAccessors('graph', 'u32', false, { count: 1, chunkElems: 99 })).toBe('fn graph_at(i: u32) -> u32 {\n  return graph_0[i];\n}');
    const text = layoutWgsl();
    expect(text).toContain('fn weight_set(i: u32, v: f32) {\n  weight_0[i] = v;\n}');
    expect(text).not.toContain('_CHUNK');
  });

  it('K chunks: extra bindings after bins, weight chunks then graph chunks, accessors by i / C', () => {
    const chunks = { weight: { count: 2, chunkElems: 1343 }, graph: { count: 3, chunkElems: 10_212 } };
    const e = bindingEntries(chunks);
    expect(e.slice(8).map((b) => [b.binding, b.wgslName, b.kind])).toEqual([
      [8, 'weight_1', 'storage'],
      [9, 'graph_1', 'read-only-storage'],
      [10, 'graph_2', 'read-only-storage'],
    ]);
    const text = layoutWgsl(chunks);
    expect(text).toContain('@group(0) @binding(10) var<storage, read> graph_2: array<u32>;');
    expect(text).toContain('const GRAPH_CHUNK: u32 = 10212u;');
    expect(chunkAccessors('weight', 'f32', true, chunks.weight)).toBe(
      [
        'const WEIGHT_CHUNK: u32 = 1343u; // elements per chunk of weight',
        'fn weight_at(i: u32) -> f32 {',
        '  let c = i / WEIGHT_CHUNK;',
        '  let o = i - c * WEIGHT_CHUNK;',
        '  if (c == 0u) {\n    return weight_0[o];\n  }',
        '  return weight_1[o];',
        '}',
        'fn weight_set(i: u32, v: f32) {',
        '  let c = i / WEIGHT_CHUNK;',
        '  let o = i - c * WEIGHT_CHUNK;',
        '  if (c == 0u) {\n    weight_0[o] = v;\n  } else {\n    weight_1[o] = v;\n  }',
        '}',
      ].join('\n'),
    );
  });

  it('the column index: colidx_at is graph_at unless split; split, its chunks follow the graph chunks', () => {
    expect(layoutWgsl()).toContain('fn colidx_at(i: u32) -> u32 {\n  return graph_at(i);\n}');
    expect(bindingEntries().some((b) => b.name === 'colidx')).toBe(false);
    const chunks = { weight: { count: 2, chunkElems: 1343 }, graph: { count: 2, chunkElems: 10_212 }, colidx: { count: 3, chunkElems: 500 } };
    const e = bindingEntries(chunks);
    expect(e.slice(8).map((b) => [b.binding, b.wgslName, b.kind])).toEqual([
      [8, 'weight_1', 'storage'],
      [9, 'graph_1', 'read-only-storage'],
      [10, 'colidx_0', 'read-only-storage'],
      [11, 'colidx_1', 'read-only-storage'],
      [12, 'colidx_2', 'read-only-storage'],
    ]);
    const text = layoutWgsl(chunks);
    expect(text).toContain('@group(0) @binding(12) var<storage, read> colidx_2: array<u32>;');
    expect(text).toContain('const COLIDX_CHUNK: u32 = 500u;');
    expect(text).toContain('  if (c == 1u) {\n    return colidx_1[o];\n  }\n  return colidx_2[o];');
    expect(layoutWgsl({ ...chunks, colidx: { count: 1, chunkElems: 7 } })).toContain('fn colidx_at(i: u32) -> u32 {\n  return colidx_0[i];\n}');
  });

  it('no engine shader names graph or weight directly (a chunk would be missed): accessors only', () => {
    const dir = new URL('../../shaders/', import.meta.url);
    const bad = readdirSync(dir)
      .filter((f) => f.endsWith('.wgsl'))
      .flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n').map((line, i) => [f, i + 1, line.replace(/\/\/.*$/, '')] as const))
      .filter(([, , code]) => /\b(graph|weight|colidx)(_\d+)?\s*\[/.test(code))
      .map(([f, n, code]) => `shaders/${f}:${n}: ${code.trim()}`);
    expect(bad).toEqual([]);
  });
});
