// Downloads of a finished run: summary.json, report.html, spec.json, every array as .npy, and each figure
// as SVG (and PNG, rendered from the SVG through a canvas on demand). Links are Blob URLs.
import type { FinalResult } from '../pipeline/liveRun.ts';
import { encodeNpy } from '../io/npy.ts';

const urls: string[] = [];

/** Revokes the Blob URLs of the previous run's links. */
export function clearExports(root: HTMLElement): void {
  for (const u of urls.splice(0)) URL.revokeObjectURL(u);
  root.replaceChildren();
}

/** An <a download> link to a Blob of `parts`. */
export function blobLink(name: string, parts: BlobPart[], type: string, label = name): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  urls.push(url);
  return Object.assign(document.createElement('a'), { href: url, download: name, textContent: label, className: 'dl' });
}

/** Renders an SVG string to a PNG Blob at `scale` times its size. */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(img.naturalWidth * scale);
    canvas.height = Math.round(img.naturalHeight * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((res, rej) => canvas.toBlob((b) => (b ? res(b) : rej(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

function group(title: string, items: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'dl-group';
  const h = document.createElement('h3');
  h.textContent = title;
  div.append(h, ...items);
  return div;
}

/**
 * Fills `root` with the download links of a finished run. Every file name starts with `stem` (spec name, spec
 * tag and run number), so downloads of different runs never overwrite each other; the link text is the plain name.
 */
export function renderExports(root: HTMLElement, r: Pick<FinalResult, 'summary' | 'arrays' | 'figures'> & { reportHtml: string | null }, specText: string, stem: string): void {
  clearExports(root);
  const files = [
    blobLink(`${stem}.summary.json`, [JSON.stringify(r.summary, null, 2) + '\n'], 'application/json', 'summary.json'),
    blobLink(`${stem}.spec.json`, [specText], 'application/json', 'spec.json'),
    ...(r.reportHtml !== null ? [blobLink(`${stem}.report.html`, [r.reportHtml], 'text/html', 'report.html')] : []),
  ];
  files[0]!.id = 'dl-summary';
  const npy = r.arrays.map((a) => blobLink(`${stem}.${a.name}.npy`, [encodeNpy(a.data, a.shape) as Uint8Array<ArrayBuffer>], 'application/octet-stream', `${a.name}.npy`));
  const figs = r.figures.map((f) => {
    const span = document.createElement('span');
    span.className = 'fig';
    const png = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', className: 'linkish' });
    png.addEventListener('click', async () => {
      const a = blobLink(`${stem}.${f.name}.png`, [await svgToPng(f.svg)], 'image/png');
      a.click();
    });
    span.append(`${f.title}: `, blobLink(`${stem}.${f.name}.svg`, [f.svg], 'image/svg+xml', 'SVG'), ' ', png);
    return span;
  });
  root.append(group('Results', files), group('Arrays (.npy, numpy.load)', npy), ...(figs.length ? [group('Figures', figs)] : []));
}
