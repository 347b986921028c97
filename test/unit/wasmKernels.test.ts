// The CPU engine's WebAssembly kernels (src/engine/cpu/kernels.wat) against its JavaScript path: the same
// random states through neuronUpdatePass and traceUpdatePass, once on a state in a KernelArena (WebAssembly)
// and once on ordinary arrays (JavaScript), must give bit-identical arrays. States cover EIF and LIF
// populations whose sizes and offsets are not multiples of 4 (4-lane groups and scalar tails), one and two
// input channels, refractory neurons, spikes, exp arguments inside and outside the kernel's fast range
// (-80, 80), subnormal and signed-zero currents, zero and non-zero accumulators (input channels' also
// beyond the i32 range, which the neuron update joins unchecked). Plus: the committed
// kernels.wasm.ts is what scripts/build-wasm.ts makes of kernels.wat, the kernels' expF32 on random f32,
// and the overflow guard stopping at the same element with the same message.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generated, OUT_PATH } from '../../scripts/build-wasm.ts';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { expF32 } from '../../src/engine/cpu/expF32.ts';
import { neuronUpdatePass } from '../../src/engine/cpu/neuronUpdate.ts';
import { createState, type CpuState } from '../../src/engine/cpu/state.ts';
import { traceUpdatePass } from '../../src/engine/cpu/traceUpdate.ts';
import { arenaOf, KernelArena, kernelModule, setWasmKernels } from '../../src/engine/cpu/wasmKernels.ts';
import { derive, type Derived } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilEif, akilNetwork } from '../../src/presets/akil2021.ts';
import { Mulberry32 } from '../mulberry32.ts';

afterEach(() => setWasmKernels(true));


/** EIF population E, LIF population I (and an EIF population F), 1 or 2 input layers, iSTDP on E<-I (traces). */
function spec(N: number, twoInputs: boolean): NetworkSpec {
  const base = akilNetwork({ N, T_s: 0.1, seed: 7, plastic: { 'E<-I': homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200 }) } });
  const lif = { model: 'lif' as const, tauMem_ms: 15, eL_mV: -72, vThresh_mV: -50, vReset_mV: -75, refractory_ms: 0.3, vInitLow_mV: -75, vInitHigh_mV: -55 };
  return {
    ...base,
    populations: [
      { ...base.populations[0]!, fraction: 0.61 },
      { name: 'I', fraction: 0.2, neuron: lif, tauSyn_ms: 4 },
      { name: 'F', fraction: 0.19, neuron: { ...akilEif, deltaT_mV: 1.5, vT_mV: -52 }, tauSyn_ms: 6 },
    ],
    inputs: twoInputs ? [...base.inputs, { name: 'Y', fraction: 0.1, rate_Hz: 5, correlation: 0, jitter_ms: 5, tauSyn_ms: 7 }] : base.inputs,
    projections: [...base.projections, ...(twoInputs ? [{ pre: 'Y', post: 'F', connectivity: 'bernoulli' as const, p: 0.1, j: 50, scaleBySqrtN: true }] : [])],
  };
}

const nets = new Map<string, BuiltNetwork>();
function net(N: number, twoInputs: boolean): BuiltNetwork {
  const key = `${N}/${twoInputs}`;
  if (!nets.has(key)) nets.set(key, buildNetwork(derive(validate(spec(N, twoInputs)))));
  return nets.get(key)!;
}

/** The pair of states: [WebAssembly (arena), JavaScript (plain arrays)]. */
function statePair(n: BuiltNetwork): [CpuState, CpuState] {
  const w = createState(n);
  setWasmKernels(false);
  const j = createState(n);
  setWasmKernels(true);
  expect(arenaOf(w.v), 'WebAssembly state in an arena').toBeDefined();
  expect(arenaOf(j.v), 'JavaScript state in plain arrays').toBeUndefined();
  return [w, j];
}

/** Fills a state with random values that reach every branch of the kernels. */
function randomize(d: Derived, st: CpuState, rng: Mulberry32, vScale: number): void {
  const u = () => rng.nextU32() / 2 ** 32;
  for (const p of d.pops) {
    const n = p.neuron;
    for (let i = p.offset; i < p.offset + p.size; i++) {
      const r = u();
      st.v[i] =
        r < 0.02 ? n.vT + 200 * u() // EIF exp argument beyond 80 Delta_T (Math.exp fallback)
        : r < 0.04 ? -1e30 * u() // exp argument below -80 (Math.exp fallback)
        : r < 0.2 ? n.vThresh - 2 * u() // near threshold: spikes
        : n.vReset + (n.vThresh - n.vReset) * vScale * u();
      st.refr[i] = u() < 0.1 ? 1 + Math.floor(5 * u()) : 0;
    }
  }
  for (let k = 0; k < st.current.length; k++) {
    const r = u();
    st.current[k] = r < 0.05 ? -0 : r < 0.1 ? (u() - 0.5) * 1e-40 : r < 0.15 ? 0 : (u() - 0.5) * 20;
  }
  for (let k = 0; k < st.acc.length; k++) {
    const r = u();
    st.acc[k] = r < 0.4 ? 0 : r < 0.42 ? -0 : Math.round((u() - 0.5) * (r < 0.5 ? 2 ** 32 - 2 : 2 ** 24));
  }
  // input channels are joined unchecked (the engine's own guard runs before): some beyond the i32 range
  d.channels.forEach((ch, c) => {
    if (ch.kind !== 'input') return;
    for (let i = 0; i < d.N; i++) if (u() < 0.02) st.acc[c * d.N + i] = (u() < 0.5 ? -1 : 1) * (2 ** 33 + Math.floor(2 ** 20 * u()));
  });
  for (const x of st.traces) for (let k = 0; k < x.length; k++) x[k] = u() < 0.05 ? -0 : 3 * u();
}

function copyState(from: CpuState, to: CpuState): void {
  to.v.set(from.v);
  to.refr.set(from.refr);
  to.current.set(from.current);
  to.acc.set(from.acc);
  from.traces.forEach((x, t) => to.traces[t]!.set(x));
  to.spikes.set(from.spikes);
  to.nSpikes = from.nSpikes;
}

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** First differing element of two states' arrays, or null. */
function firstDifference(a: CpuState, b: CpuState): string | null {
  if (a.nSpikes !== b.nSpikes) return `nSpikes ${a.nSpikes} vs ${b.nSpikes}`;
  const pairs: [string, ArrayBufferView, ArrayBufferView][] = [
    ['v', a.v, b.v],
    ['refr', a.refr, b.refr],
    ['current', a.current, b.current],
    ['acc', a.acc, b.acc],
    ['spikes', a.spikes.subarray(0, a.nSpikes), b.spikes.subarray(0, b.nSpikes)],
    ...a.traces.map((x, t): [string, ArrayBufferView, ArrayBufferView] => [`traces.${t}`, x, b.traces[t]!]),
  ];
  for (const [name, x, y] of pairs) {
    const bx = bytes(x);
    const by = bytes(y);
    if (bx.length !== by.length) return `${name}: lengths differ`;
    for (let k = 0; k < bx.length; k++) if (bx[k] !== by[k]) return `${name}: byte ${k} (element ${Math.floor(k / ((x as Float32Array).BYTES_PER_ELEMENT ?? 1))})`;
  }
  return null;
}

describe('WebAssembly kernels (kernels.wat)', () => {
  it('compile here (Node has WebAssembly with SIMD)', () => {
    expect(kernelModule()).not.toBeNull();
  });

  it('the committed kernels.wasm.ts is what scripts/build-wasm.ts makes of kernels.wat', async () => {
    expect(readFileSync(OUT_PATH, 'utf8') === (await generated()), 'run: npx tsx scripts/build-wasm.ts').toBe(true);
  });

  it('expF32: the kernel (4-lane path, fallback, scalar tail) equals expF32.ts on random f32 and edge values', () => {
    const n = 40003;
    const arena = KernelArena.create(KernelArena.bytesFor([4 * n, 4 * n]))!;
    const x = arena.alloc(Float32Array, n);
    const y = arena.alloc(Float32Array, n);
    const rng = new Mulberry32(11);
    const edges = [0, -0, 80, -80, Math.fround(79.99999), Math.fround(-79.99999), 88.72, -103.9, 1e-45, -1e-45, Infinity, -Infinity, 1e30, -1e30];
    for (let k = 0; k < n; k++) {
      const r = rng.nextU32() / 2 ** 32;
      x[k] = k < edges.length ? edges[k]! : r < 0.9 ? (rng.nextU32() / 2 ** 32 - 0.5) * 200 : new Float32Array(new Uint32Array([rng.nextU32()]).buffer)[0]!;
    }
    arena.k.exBlock(x.byteOffset, y.byteOffset, n, 0, 1, 1);
    let bad = 0;
    for (let k = 0; k < n; k++) if (!Object.is(y[k], expF32(x[k]!))) bad++;
    expect(bad).toBe(0);
  });

  for (const [N, twoInputs] of [[1003, false], [1001, true], [37, true]] as const) {
    it(`neuron_update + trace_update, N = ${N}, ${twoInputs ? 2 : 1} input channel(s): bit-identical over 30 steps from random states`, () => {
      const n = net(N, twoInputs);
      const d = n.derived;
      const [w, j] = statePair(n);
      const rng = new Mulberry32(N);
      for (let round = 0; round < 6; round++) {
        randomize(d, w, rng, round / 5);
        copyState(w, j);
        for (let s = 0; s < 5; s++) {
          neuronUpdatePass(d, w);
          neuronUpdatePass(d, j);
          expect(firstDifference(w, j), `round ${round} step ${s}: neuron_update`).toBeNull();
          // traces of this step's spikers and the recurrent join need this step's accumulators: refill some
          for (let k = 0; k < w.acc.length; k++) if (rng.nextU32() % 3 === 0) w.acc[k] = j.acc[k] = (rng.nextU32() % 2001) - 1000;
          traceUpdatePass(d, w, s);
          traceUpdatePass(d, j, s);
          expect(firstDifference(w, j), `round ${round} step ${s}: trace_update`).toBeNull();
        }
      }
      expect(d.channels.filter((c) => c.kind === 'input').length).toBe(twoInputs ? 2 : 1);
    });
  }

  it('the i32 overflow guard throws the same error at the same element, with the same partial state', () => {
    const n = net(1001, true);
    const d = n.derived;
    const [w, j] = statePair(n);
    randomize(d, w, new Mulberry32(5), 0.5);
    const ch = d.channels.findIndex((c) => c.kind === 'recurrent' && c.name === 'I');
    for (let k = 0; k < w.acc.length; k++) w.acc[k] = Math.max(-1e6, Math.min(1e6, w.acc[k]!));
    w.acc[ch * d.N + 517] = 2 ** 31; // one past i32 max
    copyState(w, j);
    const err = (st: CpuState): string => {
      try {
        traceUpdatePass(d, st, 12);
      } catch (e) {
        return String((e as Error).message);
      }
      return 'no error';
    };
    const ew = err(w);
    expect(ew).toContain('neuron 517');
    expect(ew).toBe(err(j));
    expect(firstDifference(w, j)).toBeNull();
  });

  it('accumulators at the i32 limits (-2^31, 2^31 - 1: allowed, through the kernel\'s scalar loop) join and decay as in JavaScript', () => {
    const n = net(1001, true);
    const d = n.derived;
    const [w, j] = statePair(n);
    randomize(d, w, new Mulberry32(6), 0.5);
    for (let k = 0; k < w.acc.length; k++) w.acc[k] = Math.max(-1e6, Math.min(1e6, w.acc[k]!));
    const limits = [-(2 ** 31), 2 ** 31 - 1, -(2 ** 31) + 1, 2 ** 31 - 2];
    for (const [c, ch] of d.channels.entries()) {
      if (ch.kind !== 'recurrent') continue;
      for (let m = 0; m < 40; m++) w.acc[c * d.N + 13 * m + (m % 4)] = limits[m % limits.length]!; // every lane position of a group
    }
    copyState(w, j);
    traceUpdatePass(d, w, 12);
    traceUpdatePass(d, j, 12);
    expect(firstDifference(w, j)).toBeNull();
    expect(w.acc.every((a, k) => a === 0 || d.channels[Math.floor(k / d.N)]!.kind === 'input')).toBe(true); // the recurrent channels joined
  });

  it('whole runs: the engine on WebAssembly and on JavaScript give the same spikes and final state', async () => {
    const n = net(1001, true);
    const runs = [true, false].map((on) => {
      setWasmKernels(on);
      const e = new CpuEngine(n);
      setWasmKernels(true);
      let spikes = 0;
      for (let s = 0; s < 400; s++) {
        e.stepOnce();
        spikes += e.state.nSpikes;
      }
      return { e, spikes };
    });
    expect(arenaOf(runs[0]!.e.state.v)).toBeDefined();
    expect(arenaOf(runs[1]!.e.state.v)).toBeUndefined();
    expect(runs[0]!.spikes).toBeGreaterThan(0);
    expect(runs[0]!.spikes).toBe(runs[1]!.spikes);
    expect(firstDifference(runs[0]!.e.state, runs[1]!.e.state)).toBeNull();
  });
});
