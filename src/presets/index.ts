// Named presets: every preset the engine, CLI and app offer.
import type { NetworkSpec } from '../model/spec.ts';
import { akilNetwork } from './akil2021.ts';

export interface Preset {
  name: string;
  figure: string; // paper and figure it reproduces
  build: () => NetworkSpec;
}

export const presets: Preset[] = [
  { name: 'akil-static', figure: 'Akil 2021 default network (SPEC §2.2), static weights, c = 0', build: () => akilNetwork() },
  {
    name: 'akil-static-corr',
    figure: 'Akil 2021 default network, static weights, correlated input c = 0.1',
    build: () => akilNetwork({ name: 'akil-static-corr', c: 0.1 }),
  },
];

/** Finds a preset by name or throws an error listing the known names. */
export function getPreset(name: string): NetworkSpec {
  const p = presets.find((x) => x.name === name);
  if (!p) throw new RangeError(`unknown preset '${name}': known presets are ${presets.map((x) => x.name).join(', ')}`);
  return p.build();
}
