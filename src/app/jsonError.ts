// Where a JSON.parse error is in the editor text: V8's messages name a character position ("... at position
// 16", newer ones also "(line 3 column 7)"); an unexpected end is at the end of the text. Plain data; no DOM.

export interface JsonErrorSpot {
  line: number; // 1-based
  column: number; // 1-based
  lineText: string;
  lineStart: number; // character offset of the line in the text
  lineEnd: number;
}

/** The line and column `message` (a JSON.parse error) points at in `text`, or null when it names none. */
export function locateJsonError(text: string, message: string): JsonErrorSpot | null {
  const m = /at position (\d+)/.exec(message);
  const pos = m ? Math.min(Number(m[1]), text.length) : /end of JSON input/i.test(message) ? text.length : -1;
  if (pos < 0) return null;
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  const nl = text.indexOf('\n', pos);
  const lineEnd = nl < 0 ? text.length : nl;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (text.charCodeAt(i) === 10) line++;
  return { line, column: pos - lineStart + 1, lineText: text.slice(lineStart, lineEnd), lineStart, lineEnd };
}
