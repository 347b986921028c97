// A region map for the Binas Fig 5 reproduction: a (w_max, A_exc) grid of cells, grey by convergence rate where the
// fixed point is stable, light red where it is unstable, white where it has no inhibition, with boundary lines on top.
import { escapeXml, formatTick, niceTicks } from '../../src/io/svg.ts';
import type { StabilityGrid } from '../../src/theory/binasStability.ts';

export interface Boundary {
  x: number[]; // w_max
  y: number[]; // A_exc
  label: string;
  color: string;
  dashed?: boolean;
}

export function regionMap(g: StabilityGrid, lines: Boundary[], o: { title: string; width?: number; height?: number; rateMax?: number }): string {
  const W = o.width ?? 460, H = o.height ?? 400, L = 60, R = 16, T = 30, B = 48;
  const x0 = g.wMax[0]!, x1 = g.wMax[g.wMax.length - 1]!, y0 = g.aExc[0]!, y1 = g.aExc[g.aExc.length - 1]!;
  const dx = (x1 - x0) / Math.max(1, g.wMax.length - 1), dy = (y1 - y0) / Math.max(1, g.aExc.length - 1);
  const X = (v: number) => L + ((v - x0 + dx / 2) / (x1 - x0 + dx)) * (W - L - R);
  const Y = (v: number) => H - B - ((v - y0 + dy / 2) / (y1 - y0 + dy)) * (H - T - B);
  const cw = (W - L - R) / g.wMax.length, ch = (H - T - B) / g.aExc.length;
  const rmax = o.rateMax ?? Math.max(1, ...g.rate_per_s.filter((r, k) => g.status[k] === 'stable' && Number.isFinite(r)));
  const s: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="#fff"/>`];
  g.aExc.forEach((A, i) =>
    g.wMax.forEach((w, j) => {
      const k = i * g.wMax.length + j;
      const st = g.status[k];
      let fill = '#fff';
      if (st === 'unstable') fill = '#f4c7c3';
      else if (st === 'stable') {
        const v = Math.round(230 - 170 * Math.min(1, g.rate_per_s[k]! / rmax));
        fill = `rgb(${v},${v},${v})`;
      }
      s.push(`<rect x="${(X(w) - cw / 2).toFixed(1)}" y="${(Y(A) - ch / 2).toFixed(1)}" width="${(cw + 0.4).toFixed(1)}" height="${(ch + 0.4).toFixed(1)}" fill="${fill}"/>`);
    }),
  );
  s.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#444"/>`);
  for (const t of niceTicks(x0, x1)) s.push(`<text x="${X(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${escapeXml(formatTick(t))}</text>`);
  for (const t of niceTicks(y0, y1)) s.push(`<text x="${L - 6}" y="${Y(t).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(t))}</text>`);
  s.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">w_max</text>`);
  s.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">A_exc</text>`);
  s.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(o.title)}</text>`);
  lines.forEach((l, k) => {
    const pts = l.x.map((x, i) => [x, l.y[i]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && x >= x0 && x <= x1 && y >= y0 && y <= y1);
    if (pts.length > 1) s.push(`<path d="${pts.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)} ${Y(y).toFixed(1)}`).join('')}" fill="none" stroke="${escapeXml(l.color)}" stroke-width="2"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    s.push(`<line x1="${L + 8}" y1="${T + 12 + 15 * k}" x2="${L + 26}" y2="${T + 12 + 15 * k}" stroke="${escapeXml(l.color)}" stroke-width="2"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${L + 30}" y="${T + 12 + 15 * k}" dominant-baseline="middle">${escapeXml(l.label)}</text>`);
  });
  s.push('</svg>');
  return s.join('\n');
}
