// RecordPass: shaders/record.wgsl at the last step of each bin: weight block sums, sampled weights and
// sampled current sums into one slot of SimState.bins (read back in bulk per submission). One pipeline
// per step parity (the fused schedule reads the step from slot t & 1).
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, SimplePass, threadConstants, type Threads } from './pass.ts';

export class RecordPass {
  private constructor(readonly byParity: (SimplePass | null)[]) {}

  /** Pipelines for the given step parities only (bins end at odd steps when binSteps is even). */
  static async create(state: SimState, threads: Threads, parities: readonly number[]): Promise<RecordPass> {
    const p = state.plan;
    const tail = Math.ceil(Math.max(p.nSlots * p.nCh, p.nWSamples) / WORKGROUP_SIZE);
    const groups = grid(p.nBlocks + tail, 1, state.device.limits.maxComputeWorkgroupsPerDimension);
    const make = async (parity: number): Promise<SimplePass | null> =>
      parities.includes(parity) ? new SimplePass('record', await state.pipeline('RecordPass', 'record', 'record_bin', threadConstants(threads, parity)), groups) : null;
    return new RecordPass(await Promise.all([make(0), make(1)]));
  }

  /** The record pass of step t with a pipeline of parity `parity`. */
  at(parity: number): SimplePass {
    const pass = this.byParity[parity];
    if (!pass) throw new Error(`RecordPass: no pipeline for step parity ${parity}`);
    return pass;
  }
}
