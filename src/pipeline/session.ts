// The first stages of every run, shared by the CLI (run, resume, sweep cells through runSimulation), the
// app (drive.ts: worker and WebGPU) and the repro scripts: validate and derive once, then build (timed).
// The engine comes from the registry (src/engine/engines.ts); the run loop is runSimulation
// (simulation.ts) or LiveRun (liveRun.ts); the outputs are src/output (runArrays: the one output list;
// writeOutputs.ts writes it for run, resume and the library, and every sweep cell's record).
import { buildNetwork, type BuiltNetwork } from '../network/network.ts';
import { derive, type Derived } from '../model/derive.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { validate } from '../model/validate.ts';
import type { NetworkBuildInfo } from './networkBuild.ts';

/** A validated spec and its derived constants: validated and derived once, whatever runs it. */
export class PreparedRun {
  private constructor(
    readonly spec: NetworkSpec,
    readonly derived: Derived,
  ) {}

  /** Validates (SpecError naming every bad field) and derives; a PreparedRun passes through. */
  static of(specIn: unknown): PreparedRun {
    if (specIn instanceof PreparedRun) return specIn;
    const spec = validate(specIn);
    return new PreparedRun(spec, derive(spec));
  }

  /**
   * Builds the network (connectivity, initial V, samples); `edit` changes it before any engine sees it;
   * `onProgress` hears the fraction built (by expected synapses) before each projection.
   */
  build(edit?: (net: BuiltNetwork) => void, onProgress?: (fraction: number, what: string) => void): { net: BuiltNetwork; build_s: number } {
    const t0 = performance.now();
    const net = buildNetwork(this.derived, onProgress);
    edit?.(net);
    return { net, build_s: (performance.now() - t0) / 1000 };
  }

  /**
   * Builds the network with its stored 'bernoulli-counter' projections on `device` (buildNetworkOnDevice, for the
   * WebGPU engine on that device only: the host holds no target of a static one); `edit` as in build().
   */
  async buildOnDevice(device: GPUDevice, edit?: (net: BuiltNetwork) => void): Promise<{ net: BuiltNetwork; build_s: number; info: NetworkBuildInfo }> {
    const t0 = performance.now();
    const { buildNetworkOnDevice } = await import('../engine/webgpu/deviceNetwork.ts'); // WebGPU code only when asked
    const { net, info } = await buildNetworkOnDevice(this.derived, device);
    edit?.(net);
    return { net, build_s: (performance.now() - t0) / 1000, info: { where: 'device', deviceOnly: info.deviceOnly, copiedBack: info.copiedBack, host: info.host, ...(info.plasticDeviceOnly ? { plasticDeviceOnly: info.plasticDeviceOnly } : {}) } };
  }
}
