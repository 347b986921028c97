// AdvancePass: shaders/advance.wgsl, the GPU-side step counter of the pass-by-pass schedule (one
// thread, ends every step).
import type { SimState } from '../simState.ts';
import { SimplePass, threadConstants, type Threads } from './pass.ts';

export class AdvancePass extends SimplePass {
  static async create(state: SimState, threads: Threads): Promise<AdvancePass> {
    return new AdvancePass('advance', await state.pipeline('AdvancePass', 'advance', 'advance', threadConstants(threads)), [1, 1]);
  }
}
