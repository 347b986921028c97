// The built-in engines: the CPU engine (always, statically) and the optional ones, loaded on demand by
// name so that a build without them (or a Web Worker that only runs the CPU engine) never imports them.
// A new engine adds one line to OPTIONAL (or registers itself from a module the caller imports).
import type { BuiltNetwork } from '../network/network.ts';
import type { Engine } from './engine.ts';
import './cpu/register.ts';
import { createRegisteredEngine, engineProvider, type EngineOptions } from './registry.ts';

/** Optional engines by name: each loader imports a module that calls registerEngine() for its effect. */
const OPTIONAL: Record<string, () => Promise<unknown>> = {
  webgpu: () => import('./webgpu/register.ts'),
};

/** The names `--backend` accepts: 'auto', the CPU engine and the optional engines (whether or not they load here). */
export const ENGINE_CHOICES: readonly string[] = ['auto', 'cpu', ...Object.keys(OPTIONAL)];

const loading = new Map<string, Promise<boolean>>();
const loadErrors = new Map<string, string>();

/** Loads optional engine `name` (every optional engine when omitted); resolves to whether it is registered. */
export async function loadEngines(name?: string): Promise<boolean> {
  const names = name === undefined ? Object.keys(OPTIONAL) : [name];
  const ok = await Promise.all(
    names.map((n) => {
      const load = OPTIONAL[n];
      if (!load) return Promise.resolve(engineProvider(n) !== undefined);
      let p = loading.get(n);
      if (!p) {
        p = load().then(
          () => true,
          (e: unknown) => {
            loadErrors.set(n, (e as Error).message);
            return false;
          },
        );
        loading.set(n, p);
      }
      return p;
    }),
  );
  return ok.every(Boolean);
}

/** Why optional engine `name` failed to load (after loadEngines), or undefined. */
export function engineLoadError(name: string): string | undefined {
  return loadErrors.get(name);
}

/** Creates engine `backend` ('auto' picks, see EngineProvider.autoRank), loading optional engines first. */
export async function createEngine(net: BuiltNetwork, backend: string, opts: EngineOptions = {}): Promise<Engine> {
  if (backend !== 'cpu' && !(await loadEngines(backend === 'auto' ? undefined : backend)) && backend !== 'auto' && loadErrors.has(backend))
    throw new Error(`backend '${backend}' could not be loaded: ${loadErrors.get(backend)!}`);
  return createRegisteredEngine(backend, net, opts);
}
