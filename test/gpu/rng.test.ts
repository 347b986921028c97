// WGSL Philox4x32-10 (shaders/rng.wgsl) against its TypeScript twin (src/rng/philox.ts): the words and
// the u01 / u01open floats must be bit-identical, for the Random123 known-answer vectors and for
// 4096 counter/key pairs (sequential, edge values, pseudo-random).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulhi32, philox4x32, u01, u01open } from '../../src/rng/philox.ts';
import { withPrelude } from '../../src/engine/webgpu/shaderSource.ts';
import {
  bufferWithData,
  compileShader,
  getTestDevice,
  readBuffer,
  releaseDevice,
  withErrorScopes,
} from './helpers.ts';

const N = 4096;
const WORKGROUP_SIZE = 64; // WORKGROUP_SIZE in shaders/common.wgsl

// Random123 kat_vectors, philox4x32 with 10 rounds: counter, key, expected output.
const KATS: Array<[number[], number[], number[]]> = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

// The kernel under test: one counter/key pair per thread, dispatched 2-D to exercise linear_index.
const KERNEL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> ctrs: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> words: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> floats: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> floats_open: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> mulhis: array<vec2<u32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_index(gid, nwg);
  if (i >= arrayLength(&ctrs)) { return; }
  let c = ctrs[i];
  let w = philox4x32(c, keys[i]);
  words[i] = w;
  floats[i] = vec4<f32>(u01(w.x), u01(w.y), u01(w.z), u01(w.w));
  floats_open[i] = vec4<f32>(u01open(w.x), u01open(w.y), u01open(w.z), u01open(w.w));
  mulhis[i] = vec2<u32>(philox_mulhi(c.x, c.y), philox_mulhi(c.z, c.w));
}
`;

/** Counters and keys: the KATs, sequential counters, edge words, xorshift32 pseudo-random words. */
function makeInputs(): { ctrs: Uint32Array; keys: Uint32Array } {
  const ctrs = new Uint32Array(4 * N);
  const keys = new Uint32Array(2 * N);
  let s = 0x12345678;
  const rand = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const edges = [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
  for (let i = 0; i < N; i++) {
    let c: number[];
    let k: number[];
    const kat = KATS[i];
    if (kat !== undefined) {
      [c, k] = kat;
    } else if (i < 1024) {
      c = [i, 0, 7, 0]; // stream of one seed: step counter in c0
      k = [0xdeadbeef, 42];
    } else if (i < 1024 + 512) {
      const e = (j: number): number => edges[(i >> (3 * j)) & 7] ?? 0;
      c = [e(0), e(1), e(2), e(3)];
      k = [e(4), edges[i & 7] ?? 0];
    } else if (i < 2048) {
      c = [0xfffffff0 + (i & 31), i, 0xffffffff, i * 2654435761];
      k = [i, 0xffffffff - i];
    } else {
      c = [rand(), rand(), rand(), rand()];
      k = [rand(), rand()];
    }
    ctrs.set(c.map((x) => x >>> 0), 4 * i);
    keys.set(k.map((x) => x >>> 0), 2 * i);
  }
  return { ctrs, keys };
}

const hex = (x: number): string => x.toString(16).padStart(8, '0');

describe('Philox4x32-10 in WGSL (Dawn)', () => {
  let device: GPUDevice | undefined;
  let words: Uint32Array;
  let floats: Uint32Array; // f32 bit patterns
  let floatsOpen: Uint32Array;
  let mulhis: Uint32Array;
  const { ctrs, keys } = makeInputs();

  beforeAll(async () => {
    const acquired = await getTestDevice();
    device = acquired.device;
    const dev = device;
    const a = acquired.adapterInfo;
    console.log(`adapter: ${a.vendor} / ${a.architecture} / ${a.description}${a.isSoftware ? ' (software)' : ''}`);
    await withErrorScopes(dev, async () => {
      const module = await compileShader(dev, withPrelude(KERNEL), 'rng.test kernel');
      const pipeline = await dev.createComputePipelineAsync({
        label: 'rng.test',
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      const out = (label: string, bytes: number): GPUBuffer =>
        dev.createBuffer({ label, size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const buffers = [
        bufferWithData(dev, ctrs, 'ctrs'),
        bufferWithData(dev, keys, 'keys'),
        out('words', 16 * N),
        out('floats', 16 * N),
        out('floats_open', 16 * N),
        out('mulhis', 8 * N),
      ];
      const bindGroup = dev.createBindGroup({
        label: 'rng.test',
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const encoder = dev.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(N / WORKGROUP_SIZE / 2, 2); // 2-D: rows of 32 workgroups
      pass.end();
      dev.queue.submit([encoder.finish()]);
      const [w, f, fo, m] = buffers.slice(2) as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
      words = new Uint32Array(await readBuffer(dev, w, 16 * N));
      floats = new Uint32Array(await readBuffer(dev, f, 16 * N));
      floatsOpen = new Uint32Array(await readBuffer(dev, fo, 16 * N));
      mulhis = new Uint32Array(await readBuffer(dev, m, 8 * N));
      for (const b of buffers) b.destroy();
    });
  });

  afterAll(() => {
    if (device !== undefined) releaseDevice(device);
  });

  it('the TypeScript twin reproduces the Random123 known answers', () => {
    const out = new Uint32Array(4);
    for (const [c, k, expected] of KATS) {
      philox4x32(out, c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0, k[0] ?? 0, k[1] ?? 0);
      expect([...out].map(hex)).toEqual(expected.map(hex));
    }
  });

  it('WGSL reproduces the Random123 known answers', () => {
    KATS.forEach(([, , expected], i) => {
      expect([...words.subarray(4 * i, 4 * i + 4)].map(hex)).toEqual(expected.map(hex));
    });
  });

  it('WGSL philox4x32 is bit-identical to src/rng/philox.ts for 4096 counter/key pairs', () => {
    const expected = new Uint32Array(4 * N);
    const out = new Uint32Array(4);
    for (let i = 0; i < N; i++) {
      const c = (j: number): number => ctrs[4 * i + j] ?? 0;
      philox4x32(out, c(0), c(1), c(2), c(3), keys[2 * i] ?? 0, keys[2 * i + 1] ?? 0);
      expected.set(out, 4 * i);
    }
    const bad: string[] = [];
    for (let j = 0; j < 4 * N && bad.length < 5; j++) {
      if (words[j] !== expected[j]) bad.push(`word ${j}: gpu ${hex(words[j] ?? 0)} ts ${hex(expected[j] ?? 0)}`);
    }
    expect(bad).toEqual([]);
    expect(new Set(words).size).toBeGreaterThan(4 * N - 8); // not trivially constant
  });

  it('WGSL mulhi matches mulhi32 (including edge words)', () => {
    for (let i = 0; i < N; i++) {
      const c = (j: number): number => ctrs[4 * i + j] ?? 0;
      const hi0 = mulhi32(c(0), c(1));
      const hi1 = mulhi32(c(2), c(3));
      if (mulhis[2 * i] !== hi0 || mulhis[2 * i + 1] !== hi1) {
        expect([hex(mulhis[2 * i] ?? 0), hex(mulhis[2 * i + 1] ?? 0)]).toEqual([hex(hi0), hex(hi1)]);
      }
    }
  });

  it('u01 and u01open floats are bit-identical to the TypeScript ones', () => {
    const ts = new Float32Array(4 * N);
    const tsOpen = new Float32Array(4 * N);
    for (let j = 0; j < 4 * N; j++) {
      ts[j] = u01(words[j] ?? 0); // exact in f32: storing does not round
      tsOpen[j] = u01open(words[j] ?? 0);
    }
    const tsBits = new Uint32Array(ts.buffer);
    const tsOpenBits = new Uint32Array(tsOpen.buffer);
    let mismatches = 0;
    for (let j = 0; j < 4 * N; j++) {
      if (floats[j] !== tsBits[j] || floatsOpen[j] !== tsOpenBits[j]) mismatches++;
    }
    expect(mismatches).toBe(0);
    // The casts really are exact, and the ranges hold.
    for (let j = 0; j < 4 * N; j++) {
      expect(Math.fround(u01(words[j] ?? 0))).toBe(u01(words[j] ?? 0));
    }
    const f = new Float32Array(floats.buffer);
    const fo = new Float32Array(floatsOpen.buffer);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...f)).toBeLessThan(1);
    expect(Math.min(...fo)).toBeGreaterThan(0);
    expect(Math.max(...fo)).toBeLessThanOrEqual(1);
  });
});
