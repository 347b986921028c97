// The engine registry: engines are looked up by name, so a new engine (a rate-network engine, another
// GPU back end) plugs in by registering itself instead of widening a closed union. An engine module
// calls registerEngine() once, for its effect; src/engine/engines.ts loads the built-in ones.
import type { BuiltNetwork } from '../network/network.ts';
import type { Engine } from './engine.ts';

/** What createEngine() passes on to an engine's factory. */
export interface EngineOptions {
  /** A WebGPU device handed in by the caller (browser, tests); GPU engines take their own otherwise. */
  device?: GPUDevice;
  /** Where the engine runs, for Engine.device (e.g. 'Web Worker'). */
  label?: string;
  /** CPU engine: threads to use (default: the machine's cores; 1: no worker threads). */
  threads?: number;
}

export interface EngineProvider {
  /** The name runs ask for (`--backend <name>`), Engine.backend and EngineSnapshot.backend. */
  readonly name: string;
  /** One line for help texts. */
  readonly description: string;
  /** Creates the engine for a built network. */
  create(net: BuiltNetwork, opts: EngineOptions): Promise<Engine>;
  /** Whether this engine can run the network (default: yes); 'auto' skips engines that cannot. */
  supports?(net: BuiltNetwork): boolean;
  /**
   * 'auto' takes the supporting engine of highest autoRank whose autoProbe() is true (default rank 0,
   * probe true). The CPU engine has rank 0; the WebGPU engine rank 10 with a hardware-adapter probe.
   */
  readonly autoRank?: number;
  autoProbe?(opts: EngineOptions): Promise<boolean>;
}

const providers = new Map<string, EngineProvider>();

/** Registers (or replaces) an engine under its name; idempotent for the same provider. */
export function registerEngine(p: EngineProvider): void {
  providers.set(p.name, p);
}

/** The registered engines' names, in registration order. */
export function registeredEngines(): string[] {
  return [...providers.keys()];
}

export function engineProvider(name: string): EngineProvider | undefined {
  return providers.get(name);
}

/** Creates engine `name` ('auto': see EngineProvider.autoRank) from the registered engines only. */
export async function createRegisteredEngine(name: string, net: BuiltNetwork, opts: EngineOptions = {}): Promise<Engine> {
  if (name !== 'auto') {
    const p = providers.get(name);
    if (!p) throw new Error(`backend '${name}' is not available in this build (registered engines: ${registeredEngines().join(', ') || 'none'})`);
    return p.create(net, opts);
  }
  const ranked = [...providers.values()].filter((p) => p.supports?.(net) ?? true).sort((a, b) => (b.autoRank ?? 0) - (a.autoRank ?? 0));
  for (const p of ranked) if (!p.autoProbe || (await p.autoProbe(opts))) return p.create(net, opts);
  throw new Error(`backend 'auto': no registered engine supports this network (registered: ${registeredEngines().join(', ') || 'none'})`);
}
