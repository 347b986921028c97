// specTag: the same spec (any key order) gives the same tag; any change of a value gives another.
import { describe, expect, it } from 'vitest';
import { specTag } from '../../src/app/specTag.ts';
import { getPreset } from '../../src/presets/index.ts';

describe('specTag', () => {
  it('is 8 hex digits, independent of key order, and changes with N or seed', () => {
    const a = getPreset('akil-static') as unknown as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(specTag(a)).toMatch(/^[0-9a-f]{8}$/);
    expect(specTag(reordered)).toBe(specTag(a));
    expect(specTag({ ...a, N: 1001 })).not.toBe(specTag(a));
    expect(specTag({ ...a, seed: 2 })).not.toBe(specTag(a));
  });
});
