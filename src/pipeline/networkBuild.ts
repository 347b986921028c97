// Where a run's network is built (`plasticnet run --build host|device|auto`, RunOptions.build; docs/device-build.md):
// on the host (buildNetwork) or, for the WebGPU engine, with its stored 'bernoulli-counter' projections built on the
// device (buildNetworkOnDevice: the host keeps only the row pointers of static ones). DOM-free, no WebGPU import.
import type { PreparedRun } from './session.ts';

export const BUILD_CHOICES = ['auto', 'host', 'device'] as const;
export type BuildChoice = (typeof BUILD_CHOICES)[number];

export function isBuildChoice(v: string): v is BuildChoice {
  return (BUILD_CHOICES as readonly string[]).includes(v);
}

/** Where the network of a run was built (summary.json meta.networkBuild on the WebGPU backend). */
export interface NetworkBuildInfo {
  where: 'host' | 'device';
  /** Why the whole network was built on the host (where = 'host'). */
  reason?: string;
  /** Static projections whose targets live on the device only. */
  deviceOnly: string[];
  /** Plastic projections built on the device and copied back. */
  copiedBack: string[];
  /** Plastic projections past one binding, built on the device in chunks and not copied back (absent when none). */
  plasticDeviceOnly?: string[];
  /** Projections built on the host in a device build (they do not fit the device build), with the reason. */
  host: { name: string; reason: string }[];
}

/**
 * Why this run's network is built on the host rather than the device, or null when the device builds it:
 * `backend` must be 'webgpu' (runSimulation resolves 'auto' to it first where auto takes the WebGPU engine) and the spec must
 * have a stored 'bernoulli-counter' projection; `other` is a caller's reason (e.g. --init-weights).
 */
export function hostBuildReason(prepared: PreparedRun, backend: string, other?: string): string | null {
  if (backend === 'auto') return "backend 'auto' took no WebGPU engine before the build (no hardware adapter and no device handed in, or the WebGPU engine does not run this network)";
  if (backend !== 'webgpu') return `backend '${backend}': only --backend webgpu builds on the device`;
  if (other !== undefined) return other;
  if (!prepared.derived.projections.some((p) => p.connectivity === 'bernoulli-counter' && p.storage !== 'procedural'))
    return "no stored 'bernoulli-counter' projection (only those are built on the device)";
  return null;
}

/** One line for the run log. */
export function describeBuild(b: NetworkBuildInfo): string {
  if (b.where === 'host') return `network built on the host: ${b.reason ?? ''}`;
  const parts = [`${b.deviceOnly.length} static projection(s) on the device only`, `${b.copiedBack.length} plastic one(s) built there and copied back`];
  if (b.plasticDeviceOnly?.length) parts.push(`${b.plasticDeviceOnly.length} plastic one(s) on the device only (built in chunks)`);
  if (b.host.length > 0) parts.push(`on the host: ${b.host.map((h) => `${h.name} (${h.reason})`).join('; ')}`);
  return `network built on the device: ${parts.join(', ')}`;
}
