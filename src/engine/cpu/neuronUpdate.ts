// Pass 'neuron_update' (twin of shaders/neuron_update.wgsl): input currents take this step's external
// spikes, then each population's model (src/neurons: its cpuUpdate) integrates it one step; networks of
// EIF/LIF only take the fused fast path below (JavaScript or WebAssembly), bit-identical to currentBased.ts.
import type { Derived } from '../../model/derive.ts';
import { FIXED_INV_SCALE } from '../../model/derive.ts';
import type { CpuState } from './state.ts';
import { neuronModel } from '../../neurons/index.ts';
import { synapseModel } from '../../synapses/index.ts';
import { expF32 } from './expF32.ts';
import { arenaOf, MAX_INPUT_CHANNELS, type KernelArena } from './wasmKernels.ts';

const f = Math.fround;

/** Joins this step's fixed-point external input into the input channels, by their synapse models (src/synapses). */
function applyInputs(d: Derived, st: CpuState): void {
  d.channels.forEach((ch, c) => {
    if (ch.kind === 'input') synapseModel(ch.synapse).cpuJoinInput(d, st, c);
  });
}

/** Integrates every neuron one step and fills st.spikes (ascending) with the spikers. */
export function neuronUpdatePass(d: Derived, st: CpuState): void {
  const inputBases = fusedPlan(d);
  if (inputBases) {
    const arena = kernelArenaFor(st, inputBases);
    return arena ? integrateWasm(d, st, arena, inputBases) : integrateFused(d, st, inputBases);
  }
  applyInputs(d, st);
  let nSpk = 0;
  for (const p of d.pops) nSpk = neuronModel(p.neuron.model).cpuUpdate(d, st, p, nSpk);
  st.nSpikes = nSpk;
}

// ---- Fast path (EIF/LIF-only networks): the same arithmetic, in one sweep over the neurons ----------------
// Results are bit-identical to the general path above (checked by bench/bitcheck.ts and bench/expcheck.ts):
//  - each neuron's external input is joined just before its own update instead of in a separate sweep
//    (a neuron's update reads only its own currents, so the order across neurons does not matter);
//  - with 3 channels the channel sum is unrolled in the same order, f(f(f(0 + c0) + c1) + c2);
//  - f(Math.exp(x)) is computed by expF32(x), which returns exactly that f32 value, faster.
// When the state lives in a KernelArena (createState, wasmKernels.ts), integrateWasm below runs this same
// arithmetic as WebAssembly (kernels.wat); test/unit/wasmKernels.test.ts checks the two bit for bit.

/** Input-channel offsets (c * N) when every population's model allows the fast path (EIF, LIF), else null; cached per Derived. */
const plans = new WeakMap<Derived, Int32Array | null>();
function fusedPlan(d: Derived): Int32Array | null {
  let p = plans.get(d);
  if (p === undefined) {
    const ok = d.pops.every((q) => neuronModel(q.neuron.model).cpuFastPath === true) && d.channels.every((ch) => synapseModel(ch.synapse).cpuFastPath === true);
    const bases: number[] = [];
    d.channels.forEach((ch, c) => {
      if (ch.kind === 'input') bases.push(c * d.N);
    });
    p = ok ? Int32Array.from(bases) : null;
    plans.set(d, p);
  }
  return p;
}

function integrateFused(d: Derived, st: CpuState, inputBases: Int32Array): void {
  const N = d.N;
  const nCh = d.channels.length;
  const nIn = inputBases.length;
  const in0 = nIn === 1 ? inputBases[0]! : -1;
  const N2 = 2 * N;
  const { v, refr, current, acc, spikes } = st;
  let nSpk = 0;
  for (const p of d.pops) {
    const n = p.neuron;
    const gL = n.gL, eL = n.eL, gLdT = n.gLdT, vT = n.vT, invDT = n.invDeltaT, dtC = n.dtOverC;
    const vTh = n.vThresh, vRe = n.vReset, refSteps = n.refSteps;
    const isEif = gLdT > 0;
    const end = p.offset + p.size;
    for (let i = p.offset; i < end; i++) {
      if (in0 >= 0) {
        const at = in0 + i;
        const a = acc[at]!;
        if (a !== 0) {
          current[at] = f(current[at]! + f(a) * FIXED_INV_SCALE);
          acc[at] = 0;
        }
      } else {
        for (let k = 0; k < nIn; k++) {
          const at = inputBases[k]! + i;
          const a = acc[at]!;
          if (a !== 0) {
            current[at] = f(current[at]! + f(a) * FIXED_INV_SCALE);
            acc[at] = 0;
          }
        }
      }
      if (refr[i]! > 0) {
        refr[i]!--;
        continue;
      }
      let itot: number;
      if (nCh === 3) itot = f(f(f(0 + current[i]!) + current[N + i]!) + current[N2 + i]!);
      else {
        itot = 0;
        for (let at = i; at < nCh * N; at += N) itot = f(itot + current[at]!);
      }
      const vi = v[i]!;
      const leak = f(gL * f(eL - vi));
      const ex = isEif ? f(gLdT * expF32(f(f(vi - vT) * invDT))) : 0;
      let vn = f(vi + f(dtC * f(f(itot + leak) + ex)));
      if (vn >= vTh) {
        spikes[nSpk++] = i;
        vn = vRe;
        refr[i] = refSteps;
      }
      v[i] = vn;
    }
  }
  st.nSpikes = nSpk;
}

// ---- The same fast path in WebAssembly (kernels.wat, function "neurons"): the f32 operations above, in
// the same order, on the state's arrays in place (createState puts them in a KernelArena's memory).

/** The arena holding every array the kernel touches, or undefined (then the JavaScript path runs). */
function kernelArenaFor(st: CpuState, inputBases: Int32Array): KernelArena | undefined {
  const a = arenaOf(st.v);
  if (!a || inputBases.length > MAX_INPUT_CHANNELS) return undefined;
  const b = a.buffer;
  return st.refr.buffer === b && st.current.buffer === b && st.acc.buffer === b && st.spikes.buffer === b ? a : undefined;
}

function integrateWasm(d: Derived, st: CpuState, arena: KernelArena, inputBases: Int32Array): void {
  arena.inTab.set(inputBases);
  const { v, refr, current, acc, spikes } = st;
  const k = arena.k;
  let nSpk = 0;
  for (const p of d.pops) {
    const n = p.neuron;
    nSpk = k.neurons(
      v.byteOffset, refr.byteOffset, current.byteOffset, acc.byteOffset, spikes.byteOffset,
      d.N, d.channels.length, arena.inTabPtr, inputBases.length, arena.exPtr, p.offset, p.offset + p.size, nSpk,
      n.gL, n.eL, n.gLdT, n.vT, n.invDeltaT, n.dtOverC, n.vThresh, n.vReset, n.refSteps,
    );
  }
  st.nSpikes = nSpk;
}
