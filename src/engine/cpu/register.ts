// Registers the CPU reference engine as 'cpu' (the engine every build has; 'auto' falls back to it).
import { registerEngine } from '../registry.ts';
import { CpuEngine } from './CpuEngine.ts';

registerEngine({
  name: 'cpu',
  description: 'CPU reference engine (JavaScript + WebAssembly kernels)',
  create: async (net, opts) => CpuEngine.create(net, { ...(opts.label !== undefined ? { label: opts.label } : {}), ...(opts.threads !== undefined ? { threads: opts.threads } : {}) }),
  autoRank: 0,
});
