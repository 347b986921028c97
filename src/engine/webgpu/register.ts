// Registers the WebGPU engine with src/engine/simulation.ts (which never imports WebGPU code itself).
// Import this module once, for its effect, wherever `--backend webgpu|auto` should find the GPU:
//   import 'plasticnet/src/engine/webgpu/register.ts';
import { registerWebGpu } from '../simulation.ts';
import { hasHardwareAdapter } from './device.ts';
import { WebGpuEngine } from './WebGpuEngine.ts';

/** Registers the factory and the hardware probe; idempotent. */
export function registerWebGpuEngine(): void {
  registerWebGpu((net, device) => WebGpuEngine.create(net, device), hasHardwareAdapter);
}

registerWebGpuEngine();
