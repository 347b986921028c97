// Loads a spec from a preset name or a JSON file and applies command-line overrides; every failure is
// a UsageError (exit status 2) with a message naming the problem.
import { readFileSync, existsSync } from 'node:fs';
import { getPreset } from '../presets/index.ts';
import { getRatePreset } from '../models/rate/presets.ts';
import { jsonErrorOffset } from './jsonPosition.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Line and column of a character offset in text. */
function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Parses JSON, reporting syntax errors with line and column. */
export function parseJsonWithPosition(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorOffset(text);
    const where = at >= 0 ? ` at ${lineCol(text, at)}` : '';
    throw new UsageError(`${file}: invalid JSON${where}: ${(e as Error).message}`);
  }
}

/** A spec object from a preset name or a .json path. */
export function loadSpec(ref: string): Record<string, unknown> {
  if (ref.endsWith('.json') || ref.includes('/')) {
    if (!existsSync(ref)) throw new UsageError(`spec file '${ref}' does not exist`);
    let text: string;
    try {
      text = readFileSync(ref, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read spec file '${ref}': ${(e as Error).message}`);
    }
    const v = parseJsonWithPosition(text, ref);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`${ref}: a spec must be a JSON object`);
    return v as Record<string, unknown>;
  }
  const rate = getRatePreset(ref); // rate networks (issue 16): their own preset list until the engine registry lands
  if (rate) return rate as unknown as Record<string, unknown>;
  try {
    return getPreset(ref) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Parses a duration like '20s', '500ms', '20' (seconds) into seconds. */
export function parseSeconds(flag: string, v: string): number {
  const m = /^([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(ms|s|min)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`--${flag} '${v}': expected a duration such as 20s, 500ms or 2min`);
  const x = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'ms' ? x / 1000 : unit === 'min' ? x * 60 : x;
}

/** Parses a finite number flag. */
export function parseNumber(flag: string, v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${flag} '${v}': expected a finite number`);
  return x;
}

export { applyOverrides, type Overrides } from '../model/overrides.ts';
