// The CPU fast-path kernel of the current-based EIF and LIF (NeuronModel.cpuFastPath of currentBased.ts): the
// arithmetic of currentBasedUpdate, with each neuron's external input joined in the same sweep, for networks
// whose populations are all EIF/LIF; the CPU engine's neuron_update pass (src/engine/cpu/neuronUpdate.ts) runs
// it instead of the per-population updates. JavaScript, or WebAssembly (kernels.wat) when the state lives in
// a KernelArena.
import type { Derived } from '../model/derive.ts';
import { FIXED_INV_SCALE } from '../model/fixedScale.ts';
import type { StateLayout } from '../engine/state.ts';
import { expF32 } from '../engine/cpu/expF32.ts';
import { arenaOf, MAX_INPUT_CHANNELS, type KernelArena } from '../engine/cpu/wasmKernels.ts';
import type { CpuFastPath } from './registry.ts';

const f = Math.fround;

// Results are bit-identical to currentBasedUpdate (currentBased.ts; checked by bench/bitcheck.ts and bench/expcheck.ts):
//  - each neuron's external input is joined just before its own update instead of in a separate sweep
//    (a neuron's update reads only its own currents, so the order across neurons does not matter);
//  - with 3 channels the channel sum is unrolled in the same order, f(f(f(0 + c0) + c1) + c2);
//  - f(Math.exp(x)) is computed by expF32(x), which returns exactly that f32 value, faster.
// When the state lives in a KernelArena (createState, wasmKernels.ts), integrateWasm below runs this same
// arithmetic as WebAssembly (kernels.wat; its exponential returns the same f32 as expF32 by a finer table,
// expF32.ts EXP_T1024); test/unit/wasmKernels.test.ts checks the two bit for bit, bench/expcheck.ts --wasm the
// exponential over every f32 argument.

function integrateFused(d: Derived, st: StateLayout, inputBases: Int32Array): void {
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
function kernelArenaFor(st: StateLayout, inputBases: Int32Array): KernelArena | undefined {
  const a = arenaOf(st.v);
  if (!a || inputBases.length > MAX_INPUT_CHANNELS) return undefined;
  const b = a.buffer;
  return st.refr.buffer === b && st.current.buffer === b && st.acc.buffer === b && st.spikes.buffer === b ? a : undefined;
}

function integrateWasm(d: Derived, st: StateLayout, arena: KernelArena, inputBases: Int32Array): void {
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

/** The kernel: WebAssembly when every array it touches lives in one KernelArena, else JavaScript. */
export const currentBasedFastPath: CpuFastPath = {
  name: 'current-based (EIF/LIF)',
  run(d, st, inputBases) {
    const arena = kernelArenaFor(st, inputBases);
    if (arena) integrateWasm(d, st, arena, inputBases);
    else integrateFused(d, st, inputBases);
  },
};
