// locateJsonError: the editor line and column of a JSON.parse error, from V8's own messages.
import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../src/app/jsonError.ts';

const parseError = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('parsed');
};

describe('locateJsonError', () => {
  it('finds the line and column of a missing colon on line 3', () => {
    const text = '{\n  "a": 1,\n  "b" 2\n}';
    const spot = locateJsonError(text, parseError(text))!;
    expect(spot.line).toBe(3);
    expect(spot.lineText).toBe('  "b" 2');
    expect(spot.column).toBe(7); // the "2"
    expect(text.slice(spot.lineStart, spot.lineEnd)).toBe(spot.lineText);
  });
  it('puts an unexpected end on the last line', () => {
    const text = '{\n  "a": [1,';
    expect(locateJsonError(text, parseError(text))).toMatchObject({ line: 2, lineText: '  "a": [1,' });
  });
  it('returns null for a message without a position (a spec that is not an object)', () => {
    expect(locateJsonError('[1]', 'a spec must be a JSON object')).toBeNull();
  });
});
