// WGSL sources by name. Every pass is compiled as common.wgsl + rng.wgsl + shaders/<name>.wgsl.
//
// The text comes from shaders.gen.ts, which scripts/build-shaders.ts generates from shaders/*.wgsl
// (test/unit/shaders.test.ts fails when it is stale): one code path for Node, Vite, other bundlers
// and the published package, with no file reads and no bundler-specific imports.
import { SHADERS } from './shaders.gen.ts';

/** Files prepended to every pass, in order. */
export const SHADER_PRELUDE: readonly string[] = ['common', 'rng'];

/** Raw text of shaders/<name>.wgsl (name with or without the extension). */
export function readShaderFile(name: string): string {
  const base = name.endsWith('.wgsl') ? name.slice(0, -'.wgsl'.length) : name;
  const text = Object.hasOwn(SHADERS, base) ? SHADERS[base] : undefined;
  if (text === undefined) throw new Error(`No shader shaders/${base}.wgsl (known: ${Object.keys(SHADERS).join(', ')})`);
  return text;
}

/** common.wgsl + rng.wgsl + the given pass source (e.g. a test kernel). */
export function withPrelude(passSource: string): string {
  return [...SHADER_PRELUDE.map(readShaderFile), passSource].join('\n');
}

/** The full source of pass shaders/<name>.wgsl, prelude included, ready for createShaderModule. */
export function loadShader(name: string): string {
  const base = name.replace(/\.wgsl$/, '');
  if (SHADER_PRELUDE.includes(base)) return withPrelude('');
  return withPrelude(readShaderFile(base));
}

/** Files between the generated layout and an engine pass: the shared helpers over the state. */
export const ENGINE_PRELUDE: readonly string[] = ['common', 'rng', 'state'];

/**
 * An engine module: the WGSL generated from layout.ts (structs, constants, bindings), then
 * common.wgsl, rng.wgsl, state.wgsl and shaders/<name>.wgsl for each name (one pass, or several for the
 * fused schedule).
 */
export function loadPassShader(names: string | readonly string[], layoutText: string): string {
  const list = typeof names === 'string' ? [names] : names;
  return [layoutText, ...ENGINE_PRELUDE.map(readShaderFile), ...list.map(readShaderFile)].join('\n');
}
