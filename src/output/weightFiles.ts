// The final-weight .npy files of a streamed run (Node only): weights_<post>_from_<pre>_{j,pre,post,Jscaled}.npy written
// chunk by chunk (NpyStreamWriter: the header's length from the row pointers, the bytes runArrays' whole arrays would
// give), each path through safeJoin (a name that leaves the output directory is refused). An errno failure becomes
// OutputWriteError naming the output directory, as writeOutputs does. Each file appears only complete (a temp file
// renamed); a failure removes the temp files, and files already moved into place stay (as writeOutputs leaves those
// written before a failure).
import { NpyStreamWriter } from '../io/npyStream.ts';
import { safeJoin } from '../io/safePath.ts';
import { OutputWriteError } from '../io/checkpointFile.ts';
import type { FinalWeightSink } from '../pipeline/finalWeightStream.ts';
import type { WeightChunk } from '../record/finalWeights.ts';
import { weightFileStem } from './runOutput.ts';

const PARTS = [
  ['j', '<f4'],
  ['pre', '<i4'],
  ['post', '<i4'],
  ['Jscaled', '<f4'],
] as const;

/** RunOptions.finalWeights.sink writing into `dir`: the four .npy files of each streamed projection. */
export function npyWeightSink(dir: string): (p: { name: string; nnz: number }) => FinalWeightSink {
  return ({ name, nnz }) => {
    const stem = weightFileStem(name);
    const writers: NpyStreamWriter[] = [];
    const wrap = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (typeof code === 'string') throw new OutputWriteError(dir, code, e);
        throw e;
      }
    };
    const paths = PARTS.map(([part]) => safeJoin(dir, `${stem}_${part}.npy`)); // every name checked before the first file
    wrap(() => {
      try {
        PARTS.forEach(([, descr], k) => writers.push(new NpyStreamWriter(paths[k]!, descr, nnz)));
      } catch (e) {
        writers.forEach((w) => w.abort());
        throw e;
      }
    });
    return {
      write: (c: WeightChunk) =>
        wrap(() => {
          writers[0]!.append(c.j);
          writers[1]!.append(c.pre);
          writers[2]!.append(c.post);
          writers[3]!.append(c.J);
        }),
      close: () => wrap(() => writers.forEach((w) => w.close())),
      abort: () => writers.forEach((w) => w.abort()),
    };
  };
}
