// Registers the WebGPU engine as 'webgpu'. Loaded on demand by src/engine/engines.ts (loadEngines), so the
// CPU core never imports WebGPU code; 'auto' takes it when a device is handed in or a hardware adapter exists.
import { registerEngine } from '../registry.ts';
import { hasHardwareAdapter } from './device.ts';
import { WebGpuEngine } from './WebGpuEngine.ts';
import { isScheduleChoice, SCHEDULE_CHOICES } from './scheduleChoice.ts';
import { gpuUnsupportedModels } from './plan.ts';
import { gpuRunsRules } from '../../plasticity/index.ts';

/** Registers the engine; idempotent. */
export function registerWebGpuEngine(): void {
  registerEngine({
    name: 'webgpu',
    description: 'WebGPU engine (any adapter when asked by name; a hardware one for auto)',
    create: (net, opts) => {
      const schedule = opts.gpuSchedule ?? 'auto';
      if (!isScheduleChoice(schedule)) throw new RangeError(`gpuSchedule = ${schedule}: allowed ${SCHEDULE_CHOICES.join(', ')}`);
      return WebGpuEngine.create(net, opts.device, { schedule, ...(opts.adapterInfo ? { adapterInfo: opts.adapterInfo } : {}) });
    },
    supports: (net) => gpuRunsRules(net.derived.projections) && gpuUnsupportedModels(net).length === 0,
    autoRank: 10,
    autoProbe: async (opts) => opts.device !== undefined || (await hasHardwareAdapter()),
  });
}

registerWebGpuEngine();
