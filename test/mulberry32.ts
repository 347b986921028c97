// mulberry32: the small deterministic PRNG the tests draw their random states and data from (not the simulator's
// Philox streams; test inputs only). One copy for every test file.

/** u32 words, one per nextU32(). */
export class Mulberry32 {
  constructor(private s: number) {}
  nextU32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/** Uniform numbers in [0, 1): the same generator's words / 2^32. */
export function rng(seed: number): () => number {
  const g = new Mulberry32(seed >>> 0);
  return () => g.nextU32() / 4294967296;
}
