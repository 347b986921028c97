// The neuron-model registry generates WGSL names (MODEL_<NAME> constants, <model>_<var> / <model>_set_<var>
// state accessors) into one joined module; registration must refuse two models whose generated names collide,
// since the module would then fail to compile or a model would call another's accessor.
import { describe, expect, it } from 'vitest';
import { neuronModel, neuronModelNames, neuronModelsWgsl, registerNeuronModel, type NeuronModel } from '../../src/neurons/index.ts';

const lif = neuronModel('lif');
const withState = (name: string, vars: string[], code: number): NeuronModel => ({
  ...lif,
  name,
  state: vars.map((v) => ({ name: v, type: 'f32' as const, doc: 'test' })),
  gpu: { code, fn: `${name}_v`, wgsl: `fn ${name}_v(p: u32, i: u32, vi: f32) -> f32 {\n  return vi;\n}` },
});

describe('neuron registry: generated WGSL names', () => {
  it('refuses a model whose accessor name another model already generates, naming both', () => {
    registerNeuronModel(withState('nm_a', ['set_x'], 901));
    expect(() => registerNeuronModel(withState('nm_a_set', ['x'], 902))).toThrow(/'nm_a_set'.*'nm_a_set_x'.*'nm_a'/);
    expect(neuronModelNames()).not.toContain('nm_a_set');
  });

  it('refuses a model whose MODEL_ constant collides (names differing only in case)', () => {
    expect(() => registerNeuronModel({ ...withState('LIF', [], 903) })).toThrow(/'MODEL_LIF'.*'lif'/);
  });

  it('accepts distinct names, and every generated accessor appears once in the joined module', () => {
    registerNeuronModel(withState('nm_b', ['x', 'y'], 904));
    const wgsl = neuronModelsWgsl();
    for (const f of ['nm_b_x', 'nm_b_set_x', 'nm_b_y', 'nm_b_set_y']) expect(wgsl.match(new RegExp(`fn ${f}\\(`, 'g'))?.length).toBe(1);
    const fns = [...wgsl.matchAll(/fn ([A-Za-z0-9_]+)\(/g)].map((m) => m[1]);
    expect(new Set(fns).size).toBe(fns.length);
  });

  it('re-registering the same model (same name) is not a clash', () => {
    expect(() => registerNeuronModel(withState('nm_b', ['x', 'y'], 904))).not.toThrow();
  });
});
