// Which engine a run uses, and the plain sentence the banner shows when it is not WebGPU.
// 'auto': the WebGPU engine on a hardware adapter, else the CPU engine in a Web Worker (a software adapter
// such as SwiftShader is slower than the CPU engine). 'webgpu': any adapter, software included.
import { loadEngines } from '../engine/engines.ts';
import { acquireDevice, summarizeAdapter } from '../engine/webgpu/device.ts';

export type BackendPref = 'auto' | 'cpu' | 'webgpu';

export type BackendChoice = { kind: 'cpu-worker'; why: string } | { kind: 'webgpu'; device: GPUDevice; adapter: string; software: boolean };

/** Loads the WebGPU engine (src/engine/engines.ts, on demand) and says whether this build has it. */
export function webgpuEngineAvailable(): Promise<boolean> {
  return loadEngines('webgpu');
}

interface Probe {
  adapter: string | null; // description, when an adapter was granted
  software: boolean;
  problem: string | null; // why there is no adapter
}

async function probe(): Promise<Probe> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { adapter: null, software: false, problem: 'This browser has no WebGPU (navigator.gpu is missing; use a recent Chrome or Edge, from http://127.0.0.1, http://localhost or https)' };
  const a = await gpu.requestAdapter().catch(() => null);
  if (!a) return { adapter: null, software: false, problem: 'WebGPU is present but no GPU adapter was granted (GPU blocklisted or disabled)' };
  const s = await summarizeAdapter(a);
  return { adapter: [s.vendor, s.architecture, s.description].filter(Boolean).join(' / ') || 'unnamed adapter', software: s.isSoftware, problem: null };
}

/** What a run would use, without taking a device: the WebGPU engine, or the CPU worker and why. */
export async function planBackend(pref: BackendPref): Promise<{ kind: 'webgpu'; adapter: string; software: boolean } | { kind: 'cpu-worker'; why: string }> {
  const cpu = (why: string) => ({ kind: 'cpu-worker' as const, why: `${why}: running the CPU engine in a Web Worker.` });
  if (pref === 'cpu') return cpu('CPU engine chosen');
  const p = await probe();
  if (p.problem) return cpu(p.problem);
  if (p.software && pref === 'auto') return cpu(`Only a software WebGPU adapter is available (${p.adapter}), which is slower than the CPU engine (choose backend "WebGPU" to use it anyway)`);
  if (!(await webgpuEngineAvailable())) return cpu(`WebGPU adapter found (${p.adapter}${p.software ? ', software' : ''}), but the WebGPU engine could not be loaded`);
  return { kind: 'webgpu', adapter: p.adapter ?? '', software: p.software };
}

/** Picks the engine for a run and takes the device it needs; when it is the CPU worker, `why` says so plainly. */
export async function chooseBackend(pref: BackendPref): Promise<BackendChoice> {
  const plan = await planBackend(pref);
  if (plan.kind === 'cpu-worker') return plan;
  try {
    const { device, adapterInfo } = await acquireDevice({ allowSoftware: pref === 'webgpu' });
    const adapter = [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.description].filter(Boolean).join(' / ');
    return { kind: 'webgpu', device, adapter, software: adapterInfo.isSoftware };
  } catch (e) {
    return { kind: 'cpu-worker', why: `WebGPU device request failed (${(e as Error).message}): running the CPU engine in a Web Worker.` };
  }
}
