// The engine registry: engines are looked up by model kind and name, so a new engine (another GPU back end)
// or a new kind of model (the rate networks of src/models/rate) plugs in by registering itself instead of
// widening a closed union. An engine module calls registerEngine() once, for its effect;
// src/engine/engines.ts loads the built-in ones.
import type { AdapterSummary } from './webgpu/device.ts';
import type { BuiltNetwork } from '../network/network.ts';
import type { Engine } from './engine.ts';

/**
 * What an engine simulates: 'spiking' engines take a BuiltNetwork (src/network), 'rate' engines a RateModel
 * (src/models/rate/derive.ts). The same name ('cpu', 'webgpu') may be registered once per kind.
 */
export type ModelKind = 'spiking' | 'rate';

/** What createEngine() passes on to an engine's factory. */
export interface EngineOptions {
  /** A WebGPU device handed in by the caller (browser, tests); GPU engines take their own otherwise. */
  device?: GPUDevice;
  /** The adapter behind `device` (acquireDevice's summary), for Engine.device; GPU engines only. */
  adapterInfo?: AdapterSummary;
  /** Where the engine runs, for Engine.device (e.g. 'Web Worker'). */
  label?: string;
  /** The WebGPU engine's schedule ('auto' | 'resident' | 'fused' | 'passes'; `--gpu-schedule`); other engines ignore it. */
  gpuSchedule?: string;
  /** CPU engine: threads to use (default: the machine's cores; 1: no worker threads). */
  threads?: number;
}

/** An engine factory; `N` is what it simulates (BuiltNetwork for spiking engines, RateModel for rate engines). */
export interface EngineProvider<N = BuiltNetwork> {
  /** The name runs ask for (`--backend <name>`), Engine.backend and EngineSnapshot.backend. */
  readonly name: string;
  /** The kind of model it runs (default 'spiking'). */
  readonly model?: ModelKind;
  /** One line for help texts. */
  readonly description: string;
  /** Creates the engine for a built network (or a derived rate model). */
  create(net: N, opts: EngineOptions): Promise<Engine>;
  /** Whether this engine can run the network (default: yes); 'auto' skips engines that cannot. */
  supports?(net: N): boolean;
  /**
   * 'auto' takes the supporting engine of highest autoRank whose autoProbe() is true (default rank 0,
   * probe true). The CPU engine has rank 0; the WebGPU engine rank 10 with a hardware-adapter probe.
   */
  readonly autoRank?: number;
  autoProbe?(opts: EngineOptions): Promise<boolean>;
}

// Providers of every model kind share one map, keyed by kind and name (typed per kind by the accessors).
const providers = new Map<string, EngineProvider<never>>();
const key = (model: ModelKind, name: string): string => `${model}:${name}`;

/** Registers (or replaces) an engine under its kind and name; idempotent for the same provider. */
export function registerEngine<N = BuiltNetwork>(p: EngineProvider<N>): void {
  providers.set(key(p.model ?? 'spiking', p.name), p as unknown as EngineProvider<never>);
}

/** The registered engines' names of one model kind, in registration order. */
export function registeredEngines(model: ModelKind = 'spiking'): string[] {
  return [...providers.values()].filter((p) => (p.model ?? 'spiking') === model).map((p) => p.name);
}

export function engineProvider<N = BuiltNetwork>(name: string, model: ModelKind = 'spiking'): EngineProvider<N> | undefined {
  return providers.get(key(model, name)) as unknown as EngineProvider<N> | undefined;
}

/** Creates engine `name` ('auto': see EngineProvider.autoRank) of kind `model` from the registered engines only. */
export async function createRegisteredEngine<N = BuiltNetwork>(name: string, net: N, opts: EngineOptions = {}, model: ModelKind = 'spiking'): Promise<Engine> {
  const what = model === 'spiking' ? '' : ` for ${model} networks`;
  if (name !== 'auto') {
    const p = engineProvider<N>(name, model);
    if (!p) throw new Error(`backend '${name}' is not available${what} in this build (registered engines: ${registeredEngines(model).join(', ') || 'none'})`);
    return p.create(net, opts);
  }
  const ranked = [...providers.values()]
    .filter((p) => (p.model ?? 'spiking') === model)
    .map((p) => p as unknown as EngineProvider<N>)
    .filter((p) => p.supports?.(net) ?? true)
    .sort((a, b) => (b.autoRank ?? 0) - (a.autoRank ?? 0));
  for (const p of ranked) if (!p.autoProbe || (await p.autoProbe(opts))) return p.create(net, opts);
  throw new Error(`backend 'auto': no registered engine supports this network${what} (registered: ${registeredEngines(model).join(', ') || 'none'})`);
}
