// report.html: one standalone page (inline CSS, no external resources) with SVG plots and tables.
import { escapeXml } from './svg.ts';

export interface ReportSection {
  heading: string;
  svgs: string[]; // trusted SVG markup, e.g. from svg.ts
  /** Optional table; the first row is the header. Cells are plain text (escaped). */
  tableRows?: string[][];
  note?: string; // plain text paragraph under the heading
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1400px;padding:0 1em;color:#222}
h1{font-size:1.6em;border-bottom:2px solid #444;padding-bottom:.3em}h2{font-size:1.25em;margin-top:2em}
.plots{display:flex;flex-wrap:wrap;gap:12px}.plots svg{max-width:100%;height:auto;border:1px solid #eee}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}footer{margin-top:3em;color:#888;font-size:.8em}`;

/** Render an HTML table: first row as header, the rest as body; every cell escaped. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  if (!rows.length) return '';
  const [head, ...body] = rows;
  const tr = (r: readonly string[], tag: string) => `<tr>${r.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join('')}</tr>`;
  return `<table><thead>${tr(head!, 'th')}</thead><tbody>${body.map((r) => tr(r, 'td')).join('')}</tbody></table>`;
}

/** A standalone report.html string: title, then each section's heading, note, table and plots. */
export function renderReport(title: string, sections: readonly ReportSection[], footer?: string): string {
  const body = sections.map((s) =>
    [
      `<section><h2>${escapeXml(s.heading)}</h2>`,
      s.note ? `<p>${escapeXml(s.note)}</p>` : '',
      s.tableRows ? renderTable(s.tableRows) : '',
      s.svgs.length ? `<div class="plots">${s.svgs.join('\n')}</div>` : '',
      '</section>',
    ].join('\n'),
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${body.join('\n')}
${footer ? `<footer>${escapeXml(footer)}</footer>` : ''}
</body>
</html>
`;
}
