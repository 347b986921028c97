// WGSL sources by name. Every pass is compiled as common.wgsl + rng.wgsl + shaders/<name>.wgsl.
//
// The text comes from shaders.gen.ts, which scripts/build-shaders.ts generates from shaders/*.wgsl
// (test/unit/shaders.test.ts fails when it is stale): one code path for Node, Vite, other bundlers
// and the published package, with no file reads and no bundler-specific imports.
import { SHADERS } from './shaders.gen.ts';
import { FIXED_INV_SCALE, FIXED_SCALE } from '../../model/derive.ts';
import { neuronModelsWgsl } from '../../neurons/index.ts';
import { synapseModelsWgsl } from '../../synapses/index.ts';
import { STREAM } from '../../rng/streams.ts';
import { WORKGROUP_SIZE } from './layout.ts';

/** A WGSL float literal of x (exact for these powers of two). */
const wgslFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

/**
 * Constants WGSL shares with TypeScript, generated from their TypeScript source (first in every module):
 * WORKGROUP_SIZE (layout.ts), FIXED_SCALE and FIXED_INV_SCALE (derive.ts), the Philox stream ids
 * STREAM_<NAME> (STREAM in src/rng/streams.ts).
 */
export function sharedConstantsWgsl(): string {
  const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  return [
    '// Generated from TypeScript (src/engine/webgpu/shaderSource.ts, sharedConstantsWgsl): do not edit.',
    `const WORKGROUP_SIZE: u32 = ${WORKGROUP_SIZE}u;`,
    `const FIXED_SCALE: f32 = ${wgslFloat(FIXED_SCALE)};`,
    `const FIXED_INV_SCALE: f32 = ${wgslFloat(FIXED_INV_SCALE)}; // 2^-20, exact`,
    ...Object.entries(STREAM).map(([k, v]) => `const STREAM_${snake(k)}: u32 = ${v}u;`),
    '',
  ].join('\n');
}

/** Files prepended to every pass, in order. */
export const SHADER_PRELUDE: readonly string[] = ['common', 'rng'];

/** Raw text of shaders/<name>.wgsl (name with or without the extension). */
export function readShaderFile(name: string): string {
  const base = name.endsWith('.wgsl') ? name.slice(0, -'.wgsl'.length) : name;
  const text = Object.hasOwn(SHADERS, base) ? SHADERS[base] : undefined;
  if (text === undefined) throw new Error(`No shader shaders/${base}.wgsl (known: ${Object.keys(SHADERS).join(', ')})`);
  return text;
}

/** The shared constants, common.wgsl + rng.wgsl + the given pass source (e.g. a test kernel). */
export function withPrelude(passSource: string): string {
  return [sharedConstantsWgsl(), ...SHADER_PRELUDE.map(readShaderFile), passSource].join('\n');
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
 * An engine module: the shared constants (sharedConstantsWgsl), the WGSL generated from layout.ts (structs, constants, bindings), then
 * common.wgsl, rng.wgsl, state.wgsl and shaders/<name>.wgsl for each name (one pass, or several for the
 * fused schedule), then, with neuron_update, the neuron models' WGSL (src/neurons, neuronModelsWgsl) and, with
 * neuron_update or trace_update, the synapse models' WGSL (src/synapses, synapseModelsWgsl: synapse_join, synapse_step).
 */
export function loadPassShader(names: string | readonly string[], layoutText: string): string {
  const list = typeof names === 'string' ? [names] : names;
  const models = [...(list.includes('neuron_update') ? [neuronModelsWgsl()] : []), ...(list.includes('neuron_update') || list.includes('trace_update') ? [synapseModelsWgsl()] : [])];
  return [sharedConstantsWgsl(), layoutText, ...ENGINE_PRELUDE.map(readShaderFile), ...list.map(readShaderFile), ...models].join('\n');
}
