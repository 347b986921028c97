// Registers the rate networks' engines (model kind 'rate') in the engine registry (src/engine/registry.ts):
// 'cpu' (the Float32 reference, cpu.ts) and 'webgpu' (the WGSL twin, gpu.ts; its GPU code is imported only when
// one is created). Loaded on demand by createModelEngine('rate', ...) in src/engine/engines.ts.
import { registerEngine, type EngineOptions } from '../../engine/registry.ts';
import { CpuRateEngine } from './cpu.ts';
import type { RateModel } from './derive.ts';
import { RateEngine } from './engine.ts';

export const RATE_CPU_DEVICE = 'cpu (JavaScript, Float32 reference)';
/** The same engine where its WebAssembly kernel runs the dot products and noise words (same bits; rateWasm.ts). */
export const RATE_CPU_WASM_DEVICE = 'cpu (Float32 reference, WebAssembly SIMD dot products)';

/** The WebGPU rate engine on a handed-in device or one acquired here (any adapter, software too). */
async function createGpu(m: RateModel, opts: EngineOptions): Promise<RateEngine> {
  const { GpuRateEngine } = await import('./gpu.ts');
  if (opts.device) return new RateEngine(m, new GpuRateEngine(opts.device, m), 'webgpu', `webgpu (${opts.label ?? 'device handed in'})`);
  const { acquireDevice } = await import('../../engine/webgpu/device.ts');
  let a;
  try {
    a = await acquireDevice({ allowSoftware: true });
  } catch (e) {
    throw new RateBackendError(`--backend webgpu: no WebGPU adapter (${(e as Error).message})`);
  }
  return new RateEngine(m, new GpuRateEngine(a.device, m), 'webgpu', `webgpu (${a.adapterInfo.description || a.adapterInfo.vendor || 'adapter'})`);
}

/** No WebGPU adapter for a rate run asked for on 'webgpu' (the CLI reports it as a usage error, exit 2). */
export class RateBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateBackendError';
  }
}

registerEngine<RateModel>({
  name: 'cpu',
  model: 'rate',
  description: 'rate networks: CPU Float32 reference (the authors\' loop order)',
  create: async (m, opts) => {
    const e = new CpuRateEngine(m);
    const device = e.usesWasm ? RATE_CPU_WASM_DEVICE : RATE_CPU_DEVICE;
    return new RateEngine(m, e, 'cpu', opts.label ? `${device}, ${opts.label}` : device);
  },
  autoRank: 0,
});

registerEngine<RateModel>({
  name: 'webgpu',
  model: 'rate',
  description: 'rate networks: WGSL twin, one thread per network of the batch',
  create: createGpu,
  // 'auto' keeps the CPU reference unless a device is handed in: rate batches are small, and the CPU is the reference.
  autoRank: 10,
  autoProbe: async (opts) => opts.device !== undefined,
});
