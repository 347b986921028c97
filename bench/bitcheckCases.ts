// The Akil golden checksums (bench/bitcheck.ts, test/unit/bitcheck.test.ts): akilNetwork({N: 2000, T_s: 2})
// (static) and fig3IstdpEi at N = 2000, T = 2 s (EI iSTDP), fingerprinted by per-neuron spike counts over the
// whole run, final membrane potentials, currents, traces and plastic weights (FNV-1a over the raw bytes).
import { buildNetwork } from '../src/network/network.ts';
import { CpuEngine } from '../src/engine/cpu/CpuEngine.ts';
import { derive } from '../src/model/derive.ts';
import type { NetworkSpec } from '../src/model/spec.ts';
import { validate } from '../src/model/validate.ts';
import { akilNetwork } from '../src/presets/akil2021.ts';
import { fig3IstdpEi } from '../src/presets/akilFigures.ts';

export const REFERENCE = new URL('./bitcheck.reference.json', import.meta.url);

function fnv(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const withNT = (s: NetworkSpec, N: number, T_s: number): NetworkSpec => ({ ...s, N, T_s, recording: { ...s.recording, statsStart_s: 0 } });

export const cases: Record<string, NetworkSpec> = {
  'akil-static N2000 T2': withNT(akilNetwork({ N: 2000, T_s: 2 }), 2000, 2),
  'fig3IstdpEi N2000 T2': withNT(fig3IstdpEi(), 2000, 2),
};

export interface Fingerprint {
  totalSpikes: number;
  spikeCounts: string;
  v: string;
  current: string;
  traces: string;
  weights: string;
}

/** Runs a case on the CPU engine (one thread) step by step and fingerprints it. */
export function fingerprint(spec: NetworkSpec): Fingerprint {
  return fingerprintOf(new CpuEngine(buildNetwork(derive(validate(spec)))));
}

/** How fingerprintOf runs the pair-STDP post updates: deferred (with beginDeferredPost's test options) or eager. */
export type DeferMode = { capacity?: number; maxEpochSteps?: number } | false;

/**
 * The same on `threads` threads (threads below the engine's size thresholds too), and
 * how many ran and whether they deferred; the engine is disposed.
 */
export async function fingerprintThreads(spec: NetworkSpec, threads: number, defer: DeferMode = {}): Promise<{ fp: Fingerprint; threads: number; device: string; deferred: boolean }> {
  const eng = await CpuEngine.create(buildNetwork(derive(validate(spec))), { threads, minNeuronsPerThread: 1, minNeuronSteps: 0 });
  try {
    let deferred = false;
    const fp = fingerprintOf(eng, defer, (d) => (deferred = d));
    return { fp, threads: eng.threads, device: eng.device, deferred };
  } finally {
    eng.dispose();
  }
}

function fingerprintOf(eng: CpuEngine, defer: DeferMode = {}, began?: (deferred: boolean) => void): Fingerprint {
  const net = eng.net;
  const counts = new Uint32Array(net.derived.N);
  const st = eng.state;
  // every pair-STDP projection's post updates deferred (advance() does so for large ones), so the golden bits cover that path
  const deferred = defer !== false && eng.beginDeferredPost(defer);
  began?.(deferred);
  for (let s = 0; s < net.derived.nSteps; s++) {
    eng.stepOnce();
    for (let k = 0; k < st.nSpikes; k++) counts[st.spikes[k]!]!++;
  }
  eng.endDeferredPost();
  return {
    totalSpikes: counts.reduce((a, b) => a + b, 0),
    spikeCounts: fnv(counts),
    v: fnv(st.v),
    current: fnv(st.current),
    traces: fnv(...st.traces),
    weights: fnv(...st.weights),
  };
}

