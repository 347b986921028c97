// Named presets: every preset the engine, CLI and app offer.
import type { NetworkSpec } from '../model/spec.ts';
import { akilNetwork } from './akil2021.ts';
import { demoIstdp, fig1Kohonen, fig2KohonenCx, fig3fIstdpEiIi, fig3IstdpEi, fig4Opto } from './akilFigures.ts';
import { vogelsAssembly, vogelsNetwork, vogelsSingle } from './vogels2011.ts';
import { soldadoSpikingNetwork } from './soldado2022.ts';

/** A named spec that reproduces a figure: name, the paper and figure, and a builder of its spec. */
export interface Preset {
  /** Name used by `plasticnet run <name>` and {@link getPreset}. */
  name: string;
  /** The paper and figure it reproduces. */
  figure: string;
  /** Builds a fresh copy of the spec. */
  build: () => NetworkSpec;
}

/** Every preset the engine, CLI and app offer (`plasticnet presets` lists them); {@link getPreset} finds one by name. */
export const presets: Preset[] = [
  { name: 'akil-static', figure: 'Akil 2021 default network (SPEC §2.2), static weights, c = 0', build: () => akilNetwork() },
  {
    name: 'akil-static-corr',
    figure: 'Akil 2021 default network, static weights, correlated input c = 0.1',
    build: () => akilNetwork({ name: 'akil-static-corr', c: 0.1 }),
  },
  { name: 'akil-istdp-demo', figure: 'Akil 2021 Fig 3 (EI iSTDP), fast learning rate: the README demo', build: demoIstdp },
  { name: 'akil-fig1-kohonen', figure: 'Akil 2021 Fig 1 D-F: Kohonen E<-E, asynchronous', build: () => fig1Kohonen(0) },
  { name: 'akil-fig1-kohonen-corr', figure: 'Akil 2021 Fig 1 G-I: Kohonen E<-E, correlated input c = 0.1', build: () => fig1Kohonen(0.1) },
  { name: 'akil-fig2-kohonen-cx', figure: 'Akil 2021 Fig 2B: Kohonen E<-E with input correlation c = 0.1', build: () => fig2KohonenCx(0.1) },
  { name: 'akil-fig3-istdp-ei', figure: 'Akil 2021 Fig 3B-E: homeostatic iSTDP on E<-I', build: () => fig3IstdpEi() },
  { name: 'akil-fig3f-istdp-ei-ii', figure: 'Akil 2021 Fig 3F: iSTDP on E<-I and I<-I, N = 10^4', build: fig3fIstdpEiIi },
  { name: 'akil-fig4-opto', figure: 'Akil 2021 Fig 4: optogenetic stimulation of 40% of E cells with iSTDP', build: () => fig4Opto() },
  { name: 'vogels-single', figure: 'Vogels 2011 Fig 2 / SOM: single neuron, 8 input channels, iSTDP -> detailed balance', build: () => vogelsSingle() },
  { name: 'vogels-network', figure: 'Vogels 2011 / Brian2 example: 8000 E + 2000 I cond LIF, iSTDP on E<-I, rate -> 3 Hz', build: () => vogelsNetwork() },
  {
    name: 'soldado-fig7',
    figure: 'Soldado-Magraner 2022 Fig 7: 1600 E + 400 I adaptive LIF, p = 0.25, silent initial weights; one 1.5 s trial (training: npm run repro -- soldado-fig7)',
    build: () => soldadoSpikingNetwork(),
  },
  { name: 'soldado-fig7-ci', figure: 'Soldado-Magraner 2022 Fig 7 at CI size (N = 400, weights x 500/(N p)); one 1.5 s trial', build: () => ({ ...soldadoSpikingNetwork({ N: 400 }), name: 'soldado-fig7-ci' }) },
  { name: 'vogels-assembly', figure: 'Vogels 2011 Fig 4: memory assembly, balance restored by iSTDP, recall by a partial cue', build: () => vogelsAssembly() },
];

/** Finds a preset by name or throws an error listing the known names. */
export function getPreset(name: string): NetworkSpec {
  const p = presets.find((x) => x.name === name);
  if (!p) throw new RangeError(`unknown preset '${name}': known presets are ${presets.map((x) => x.name).join(', ')}`);
  return p.build();
}
