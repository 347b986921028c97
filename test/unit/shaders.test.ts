// The WGSL the engine compiles comes from src/engine/webgpu/shaders.gen.ts (so the published package
// needs no file reads or bundler plugin): it must be exactly what scripts/build-shaders.ts makes of
// shaders/*.wgsl, and every .wgsl file must be reachable by name.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generated, OUT_PATH, SHADER_DIR } from '../../scripts/build-shaders.ts';
import { loadShader, readShaderFile } from '../../src/engine/webgpu/shaderSource.ts';

describe('inlined WGSL (shaders.gen.ts)', () => {
  it('the committed shaders.gen.ts is what scripts/build-shaders.ts makes of shaders/*.wgsl', () => {
    expect(readFileSync(OUT_PATH, 'utf8') === generated(), 'run: npx tsx scripts/build-shaders.ts').toBe(true);
  });

  it('readShaderFile returns each shaders/*.wgsl byte for byte, with or without the extension', () => {
    const files = readdirSync(SHADER_DIR).filter((f) => f.endsWith('.wgsl'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(path.join(SHADER_DIR, f), 'utf8');
      expect(readShaderFile(f)).toBe(text);
      expect(readShaderFile(f.replace(/\.wgsl$/, ''))).toBe(text);
    }
  });

  it('loadShader prepends common + rng; an unknown name is refused with the known names', () => {
    const src = loadShader('neuron_update');
    expect(src.startsWith(readShaderFile('common'))).toBe(true);
    expect(src.endsWith(readShaderFile('neuron_update'))).toBe(true);
    expect(() => readShaderFile('nope')).toThrow(/No shader shaders\/nope\.wgsl \(known: .*neuron_update/);
    expect(() => readShaderFile('constructor')).toThrow(/No shader/);
  });
});
