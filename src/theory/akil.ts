// Ready-made mean-field descriptions of the Akil et al. 2021 networks ([R] parameters, SPEC §2.2, §2.3).
import type { Matrix, MeanFieldNetwork } from './types.ts';

/** Two-population E/I network: q = [0.8, 0.2], q_x = 0.2, p = 0.1, j_x = [180, 135], r_x = 10 Hz. */
export function akilTwoPop(opts: { j?: Matrix; rx_Hz?: number } = {}): MeanFieldNetwork {
  const j = opts.j ?? [
    [25, -150],
    [112.5, -250],
  ];
  return {
    q: [0.8, 0.2],
    qx: [0.2],
    p: [
      [0.1, 0.1],
      [0.1, 0.1],
    ],
    j: j.map((row) => row.slice()),
    px: [[0.1], [0.1]],
    jx: [[180], [135]],
    rx_Hz: [opts.rx_Hz ?? 10],
  };
}

/**
 * Three-population optogenetic network (Eqs 26–28): populations [e1 (stimulated), e2, i] with
 * q = [0.4, 0.4, 0.2]; inputs [X1, X2] with q_x = [0.2, 0.2]; X1 → e1, e2 (180) and i (135); X2 → e1 only (180).
 */
export function akilOpto3Pop(
  opts: { jE1I?: number; jE2I?: number; jEE?: number; jIE?: number; jII?: number; rx1_Hz?: number; rx2_Hz?: number } = {},
): MeanFieldNetwork {
  const jEE = opts.jEE ?? 25;
  const jIE = opts.jIE ?? 112.5;
  const jII = opts.jII ?? -250;
  const p3 = [0.1, 0.1, 0.1];
  return {
    q: [0.4, 0.4, 0.2],
    qx: [0.2, 0.2],
    p: [p3.slice(), p3.slice(), p3.slice()],
    j: [
      [jEE, jEE, opts.jE1I ?? -250],
      [jEE, jEE, opts.jE2I ?? -250],
      [jIE, jIE, jII],
    ],
    px: [
      [0.1, 0.1],
      [0.1, 0.1],
      [0.1, 0.1],
    ],
    jx: [
      [180, 180],
      [180, 0],
      [135, 0],
    ],
    rx_Hz: [opts.rx1_Hz ?? 10, opts.rx2_Hz ?? 0],
  };
}
