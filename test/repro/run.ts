// npm run repro -- <name|all> [--full] [--out runs/repro] [--force] [--backend auto|cpu|webgpu]
// Reproduces one Akil et al. 2021 figure (or all): runs the simulations at a documented reduced size (or the
// paper's size with --full) and writes runs/repro/<name>/{figure.svg, numbers.json}. Sweeps inside are
// resumable (finished cells are reused unless --force). `npm run reproduction` turns the numbers into
// REPRODUCTION.md.
import { join } from 'node:path';
import type { Backend } from '../../src/pipeline/simulation.ts';
import type { ReproOptions } from './common.ts';
import { reproFig1 } from './fig1.ts';
import { reproFig2 } from './fig2.ts';
import { reproFig3 } from './fig3.ts';
import { reproFig4 } from './fig4.ts';
import { reproBinasFixedPoints, reproBinasGain, reproBinasStability } from './binasTheory.ts';
import { reproBinasWta } from './binasWta.ts';
import { reproScaling } from './scaling.ts';
import { reproVogelsAssembly } from './vogelsAssembly.ts';
import { reproVogelsNetwork } from './vogelsNetwork.ts';
import { reproVogelsSingle } from './vogelsSingle.ts';
import { reproSoldadoFig7 } from './soldadoFig7.ts';
import { reproSoldadoFig1, reproSoldadoFig2, reproSoldadoFig4, reproSoldadoFig5, reproSoldadoFig6, reproSoldadoFigS4 } from './soldado.ts';

export const REPROS: Record<string, { what: string; run: (o: ReproOptions) => Promise<void> }> = {
  scaling: { what: 'N-scaling of covariances and rates, static network (SPEC A1-A3; Fig 1 claim)', run: reproScaling },
  fig1: { what: 'Fig 1: Kohonen E<-E, j_ee*, rates and covariances vs N, asynchronous and correlated (A4)', run: reproFig1 },
  fig2: { what: 'Fig 2: Kohonen j_ee vs c_x, rate term vs covariance term (A4, A5)', run: reproFig2 },
  fig3: { what: 'Fig 3: EI iSTDP manifold, weight vs pre-rate R², EI+II convergence (A6, A7)', run: reproFig3 },
  fig4: { what: 'Fig 4: optogenetic stimulation with EI iSTDP (A8)', run: reproFig4 },
  'vogels-single': { what: 'Vogels 2011 single neuron: iSTDP co-tunes I with E (detailed balance), rate -> rho0 (V3, V4)', run: reproVogelsSingle },
  'vogels-network': { what: 'Vogels 2011 / Brian2 network: E rate -> rho0 = 3 Hz, AI state (V1, V2)', run: reproVogelsNetwork },
  'binas-fixed-points': { what: 'Binas 2014 Figs 3-4: triplet mapping (B1), single-node fixed points and I_ext -> inf limits (B2)', run: reproBinasFixedPoints },
  'binas-gain': { what: 'Binas 2014 Fig 6: gain vs training input; hard-WTA condition (B3)', run: reproBinasGain },
  'binas-stability': { what: 'Binas 2014 Fig 5: stability regions over (w_max, A_exc), I_ext = 1, 10, 100 Hz, b = 0, 1, 2', run: reproBinasStability },
  'binas-wta': { what: 'Binas 2014 Figs 7-8: distributed WTA learned by Eq 18 on every synapse (B4)', run: reproBinasWta },
  'vogels-assembly': { what: 'Vogels 2011 memory assembly: re-balance and recall by a partial cue (V5)', run: reproVogelsAssembly },
  'soldado-fig1': { what: 'Soldado-Magraner 2022 Fig 1B/C: static rates, paradoxical drop (S1)', run: reproSoldadoFig1 },
  'soldado-fig2': { what: 'Soldado-Magraner 2022 Fig 2: standard rules fail, stability maps (S3, S4)', run: reproSoldadoFig2 },
  'soldado-fig4': { what: 'Soldado-Magraner 2022 Fig 4: cross-homeostatic reaches 5 / 14 Hz on the Eqs 4-5 plane (S5)', run: reproSoldadoFig4 },
  'soldado-fig5': { what: 'Soldado-Magraner 2022 Fig 5: multi-unit cross-homeostatic (S6)', run: reproSoldadoFig5 },
  'soldado-fig6': { what: 'Soldado-Magraner 2022 Fig 6: multi-unit two-term (S6)', run: reproSoldadoFig6 },
  'soldado-figS4': { what: 'Soldado-Magraner 2022 Fig S4: online rule', run: reproSoldadoFigS4 },
  'soldado-fig7': { what: 'Soldado-Magraner 2022 Fig 7: spiking adaptive LIF network trained per trial, 5 / 14 Hz, paradoxical I (S7)', run: reproSoldadoFig7 },
};

function usage(): never {
  console.error(`usage: npm run repro -- <${Object.keys(REPROS).join('|')}|all> [--full] [--inits N] [--machine TEXT] [--out runs/repro] [--force] [--backend auto|cpu|webgpu]`);
  console.error('  --inits N: random initialisations of soldado-fig2 / soldado-fig4, initialisations of soldado-fig5 (a positive integer)');
  for (const [k, v] of Object.entries(REPROS)) console.error(`  ${k.padEnd(8)} ${v.what}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const names: string[] = [];
  let full = false;
  let force = false;
  let out = 'runs/repro';
  let backend: Backend = 'auto';
  let inits: number | undefined;
  let machine: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--full') full = true;
    else if (a === '--force') force = true;
    else if (a === '--out') out = argv[++i] ?? usage();
    else if (a === '--inits') {
      const v = argv[++i] ?? '';
      inits = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(inits) || inits < 1) {
        console.error(`--inits = ${JSON.stringify(v)}: allowed a positive integer`);
        process.exit(2);
      }
    } else if (a === '--machine') machine = argv[++i] ?? usage();
    else if (a === '--backend') {
      const b = argv[++i];
      if (b !== 'auto' && b !== 'cpu' && b !== 'webgpu') usage();
      backend = b;
    } else if (a === '--help' || a === '-h') usage();
    else if (a === 'all') names.push(...Object.keys(REPROS));
    else if (a in REPROS) names.push(a);
    else {
      console.error(`unknown figure '${a}'`);
      usage();
    }
  }
  if (!names.length) usage();
  for (const name of [...new Set(names)]) {
    const t0 = performance.now();
    const log = (s: string) => process.stderr.write(`[${name} ${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);
    log(`${REPROS[name]!.what} (${full ? 'paper size' : 'reduced size'})`);
    await REPROS[name]!.run({ full, force, backend, out: join(out, name), log, ...(inits !== undefined ? { inits } : {}), ...(machine !== undefined ? { machine } : {}) });
    log(`wrote ${join(out, name)}/figure.svg and numbers.json`);
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
