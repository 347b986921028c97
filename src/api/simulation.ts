// The library's run object: a validated, built network on one engine (CPU, or WebGPU on a device the
// caller hands in), advanced step by step or run to the end, with its recordings, statistics and outputs.
// A thin wrapper over src/engine/simulation.ts (the CLI's runSimulation); DOM-free and Node-free.
import type { BuiltNetwork } from '../build/network.ts';
import { RunGuardError, type Engine } from '../engine/engine.ts';
import type { Recordings } from '../engine/recordings.ts';
import { createEngine, type Backend, type Progress, type RunResult } from '../engine/simulation.ts';
import '../engine/webgpu/register.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { summarize, type Summary } from '../stats/summary.ts';
import { runOutputs, type RunMeta, type RunOutputs } from './outputs.ts';
import { build } from './network.ts';

export type { Backend, Progress };

const BACKENDS: readonly Backend[] = ['cpu', 'webgpu', 'auto'];

/** Options of {@link Simulation.create}. */
export interface SimulationOptions {
  /**
   * Engine: `'cpu'` (the default: the reference engine, deterministic and bit-identical everywhere),
   * `'webgpu'` (on `device`; without one, the browser's `navigator.gpu` or in Node the `webgpu` package's
   * Dawn), or `'auto'` (WebGPU when `device` is given or a hardware adapter exists, else the CPU).
   */
  backend?: Backend;
  /** A WebGPU device for the `'webgpu'` or `'auto'` backend, e.g. from {@link acquireDevice} or `adapter.requestDevice()`. */
  device?: GPUDevice;
}

/** Options of {@link Simulation.run}. */
export interface SimulationRunOptions {
  /** Steps per engine call between progress reports and event-loop turns (default: ten recording bins, at most 2000). */
  chunkSteps?: number;
  /** Called after every chunk with the simulated and wall time so far. */
  onProgress?: (p: Progress) => void;
}

/** Why a run ended before its last step: a run guard (rate, NaN/Inf, fixed-point overflow, weight bounds) fired. */
export interface StoppedBy {
  /** Which guard: `'rate'`, `'nan'`, `'overflow'` or `'weight-bounds'`. */
  guard: string;
  /** Step at which it fired. */
  step: number;
  /** Population, projection or buffer where it fired. */
  where: string;
  /** The offending value. */
  value: number;
  /** The whole message. */
  message: string;
}

/**
 * A network on an engine. Create one with {@link Simulation.create}, then {@link Simulation.run} it to the end
 * or {@link Simulation.advance} it in steps (e.g. once per animation frame), read {@link Simulation.recordings},
 * {@link Simulation.summary} or {@link Simulation.outputs}, and {@link Simulation.dispose} it when done.
 *
 * @example
 * ```ts
 * import { Simulation, getPreset, withOverrides } from 'plasticnet';
 * const spec = withOverrides(getPreset('akil-static'), { N: 2000, T_s: 0.5 });
 * const sim = await Simulation.create(spec); // CPU engine
 * await sim.run();
 * console.log((await sim.summary()).populations);
 * sim.dispose();
 * ```
 */
export class Simulation {
  /** Set when a run guard ended the run early; `null` while the run is healthy. */
  stoppedBy: StoppedBy | null = null;
  private wall_ms = 0;
  private disposed = false;

  private constructor(
    /** The validated spec. */
    readonly spec: NetworkSpec,
    /** The built network (connectivity, initial state, recording samples). */
    readonly network: BuiltNetwork,
    private readonly engine: Engine,
    /** Seconds spent validating and building the network. */
    readonly build_s: number,
  ) {}

  /**
   * Validates `spec` (throwing {@link SpecError}, which names every bad field, its value and the allowed range),
   * builds the network from its seed and creates the engine.
   */
  static async create(spec: unknown, opts: SimulationOptions = {}): Promise<Simulation> {
    const backend = opts.backend ?? 'cpu';
    if (!BACKENDS.includes(backend)) throw new RangeError(`Simulation.create: backend = ${JSON.stringify(backend)}: allowed ${BACKENDS.map((b) => `'${b}'`).join(', ')}`);
    const t0 = performance.now();
    const net = build(spec);
    const build_s = (performance.now() - t0) / 1000;
    const engine = await createEngine(net, backend, opts.device);
    return new Simulation(net.derived.spec, net, engine, build_s);
  }

  /** `'cpu'` or `'webgpu'`: the engine actually used. */
  get backend(): 'cpu' | 'webgpu' {
    return this.engine.backend;
  }

  /** Human-readable description of the engine's device (CPU model, GPU adapter). */
  get device(): string {
    return this.engine.device;
  }

  /** Steps simulated so far. */
  get step(): number {
    return this.engine.step;
  }

  /** Steps of the whole run (`T_s / dt_ms`). */
  get nSteps(): number {
    return this.network.derived.nSteps;
  }

  /** Simulated time so far, in seconds. */
  get simTime_s(): number {
    return (this.engine.step * this.network.derived.dt_ms) / 1000;
  }

  /** Wall-clock seconds spent advancing the engine so far. */
  get wall_s(): number {
    return this.wall_ms / 1000;
  }

  /** Whether the run has reached its last step or was stopped by a run guard. */
  get done(): boolean {
    return this.stoppedBy !== null || this.engine.step >= this.nSteps;
  }

  private live(): void {
    if (this.disposed) throw new Error('this Simulation was disposed');
  }

  /**
   * Advances up to `steps` steps (fewer at the end of the run). A run guard does not throw: it ends the run
   * and is reported in {@link Simulation.stoppedBy}, with the recordings up to it kept.
   */
  async advance(steps: number): Promise<void> {
    this.live();
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`advance(steps): steps = ${steps}: allowed an integer >= 1`);
    if (this.done) return;
    const t0 = performance.now();
    try {
      await this.engine.advance(Math.min(steps, this.nSteps - this.engine.step));
    } catch (e) {
      if (!(e instanceof RunGuardError)) throw e;
      this.stoppedBy = { guard: e.guard, step: e.step, where: e.where, value: e.value, message: e.message };
    } finally {
      this.wall_ms += performance.now() - t0;
    }
  }

  /** Runs to the end (or until a run guard fires), yielding to the event loop between chunks. */
  async run(opts: SimulationRunOptions = {}): Promise<Recordings> {
    const d = this.network.derived;
    const chunk = opts.chunkSteps ?? Math.max(1, Math.min(d.binSteps * 10, 2000));
    const step0 = this.step;
    const wall0 = this.wall_ms;
    while (!this.done) {
      await this.advance(chunk);
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (opts.onProgress) {
        const wall_s = (this.wall_ms - wall0) / 1000;
        const segment_s = ((this.step - step0) * d.dt_ms) / 1000;
        const rtf = segment_s > 0 ? wall_s / segment_s : 0;
        opts.onProgress({ step: this.step, nSteps: this.nSteps, simTime_s: this.simTime_s, wall_s, rtf, eta_s: (rtf * (this.nSteps - this.step) * d.dt_ms) / 1000 });
      }
    }
    return this.recordings();
  }

  /** The recordings so far (spike raster, binned rates, currents and weights, count windows, final weights). */
  async recordings(): Promise<Recordings> {
    this.live();
    return this.engine.recordings();
  }

  /** Statistics of the recordings so far over the statistics interval (what summary.json holds, without theory). */
  async summary(): Promise<Summary> {
    return summarize(await this.recordings(), { covSample: this.spec.recording.covSample });
  }

  /** The run as a {@link RunResult}-like record, as the CLI's writers take it. */
  private async result(): Promise<RunResult> {
    return {
      spec: this.spec,
      net: this.network,
      recordings: await this.recordings(),
      backend: this.backend,
      device: this.device,
      wall_s: this.wall_s,
      build_s: this.build_s,
      stoppedBy: this.stoppedBy,
    };
  }

  /**
   * What `plasticnet run` writes, in memory: summary.json's object (statistics with the mean-field theory beside
   * them), the named arrays for .npy files and report.html. `meta` fills summary.meta's commit, date and host.
   */
  async outputs(meta: Partial<RunMeta> = {}): Promise<RunOutputs> {
    return runOutputs(await this.result(), meta);
  }

  /** Frees the engine (GPU buffers); the Simulation cannot be used afterwards. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.dispose();
  }
}
