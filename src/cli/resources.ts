// Refuses, before any allocation, a spec whose estimated memory exceeds the machine (80% of its RAM) or
// --max-memory, or whose synapse indices would overflow (src/model/estimate.ts); exit status 2.
import { totalmem } from 'node:os';
import { formatBytes, parseBytes, resourceRefusal, type EstimateOptions } from '../model/estimate.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { UsageError } from './loadSpec.ts';

/** Share of the machine's memory a run may plan to use when --max-memory is not given. */
export const DEFAULT_MEMORY_SHARE = 0.8;

/** --max-memory: a size such as 8GiB, 500MB or a byte count. */
export function parseMaxMemory(v: string): number {
  const b = parseBytes(v);
  if (b === null) throw new UsageError(`--max-memory '${v}': expected a size such as 8GiB, 500MiB or 2e9 (bytes)`);
  return b;
}

/** The memory a run may plan to use: --max-memory, else DEFAULT_MEMORY_SHARE of the machine's. */
export function memoryLimit(maxMemory?: number): number {
  return maxMemory ?? DEFAULT_MEMORY_SHARE * totalmem();
}

/**
 * Throws a UsageError with the estimate when the spec does not fit; build 'device' counts the host memory of a
 * network built on the GPU (row pointers only for its stored static 'bernoulli-counter' projections).
 */
export function checkResources(spec: NetworkSpec, maxMemory?: number, build: EstimateOptions['build'] = 'host'): void {
  const limit = memoryLimit(maxMemory);
  const why = resourceRefusal(spec, limit, maxMemory !== undefined ? '--max-memory' : `${DEFAULT_MEMORY_SHARE * 100}% of this machine's ${formatBytes(totalmem())}`, { build });
  if (why !== null) throw new UsageError(`refused before allocating: ${why}`);
}
