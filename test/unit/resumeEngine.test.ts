// A checkpoint resumes on the engine that wrote it, by its registered name (loaded on demand through the
// engine registry), and is refused by name when that engine is not available here (--backend overrides).
import { describe, expect, it } from 'vitest';
import { checkpointEngine } from '../../src/cli/commands/resume.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { registerEngine } from '../../src/engine/registry.ts';
import { CheckpointEngineError, CheckpointError } from '../../src/io/checkpoint.ts';
import { snapshotOf } from '../../src/io/runCheckpoint.ts';
import type { DecodedCheckpoint } from '../../src/io/checkpoint.ts';

describe('resume: the engine that wrote the checkpoint', () => {
  it('is taken by name when registered (built-in, optional loaded on demand, or registered by a module)', async () => {
    expect(await checkpointEngine('cpu', 'checkpoint x')).toBe('cpu');
    expect(await checkpointEngine('webgpu', 'checkpoint x')).toBe('webgpu'); // the module loads without a device
    registerEngine({ name: 'toy-engine', description: 'test', create: async (net) => new CpuEngine(net) });
    expect(await checkpointEngine('toy-engine', 'checkpoint x')).toBe('toy-engine');
  });

  it('is refused by name (CheckpointEngineError, a CheckpointError: exit 2) when not available, pointing at --backend', async () => {
    const e = await checkpointEngine('rate-gpu', "checkpoint 'out/checkpoint.pnck'").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckpointEngineError);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as CheckpointEngineError).engine).toBe('rate-gpu');
    expect((e as Error).message).toMatch(/checkpoint 'out\/checkpoint\.pnck' was written by engine 'rate-gpu', which is not available here \(registered engines: cpu.*\); resume on another engine with --backend <name>/);
  });

  it('keeps its name in the restored snapshot (not mapped to cpu)', () => {
    const ck = (backend: unknown) => ({ meta: { snapshotBackend: backend, step: 3, scalars: {} }, arrays: {} }) as unknown as DecodedCheckpoint;
    expect(snapshotOf(ck('toy-engine')).backend).toBe('toy-engine');
    expect(snapshotOf(ck('webgpu')).backend).toBe('webgpu');
    expect(snapshotOf(ck(undefined)).backend).toBe('cpu');
  });
});
