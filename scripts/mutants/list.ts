// The physics mutants of the mutation harness (scripts/mutants.ts, issue 25). Each mutant is one physics error,
// made by exact text edits of the source; the harness applies one mutant at a time to a copy of the repository
// and runs the tests named in `killers`, which must fail. A search text that is not found exactly once is a
// distinct failure of the harness ('search-not-found' / 'search-ambiguous'), so a refactor that moves the code
// cannot silently disable a mutant: update the search text to the code's new form, keeping the same physics.
//
// Mutants change derive()'s constants where they can (one place feeds the JavaScript, WebAssembly and WGSL
// paths alike); the killers are tests that compare with physics (closed forms, exact first-passage times,
// Campbell's theorem, Eq 3), never golden checksums (those kill everything and say nothing).

export interface MutantEdit {
  file: string; // repository-relative
  search: string; // exact text, must occur exactly once
  replace: string;
}

export interface Mutant {
  id: string;
  description: string;
  edits: MutantEdit[];
  /** Test files (repository-relative) expected to fail under the mutant; all of them are part of npm test. */
  killers: string[];
  /** Part of the CI-sized subset (`npm run test:mutants -- --ci`). */
  ci?: boolean;
}

const DERIVE = 'src/model/derive.ts';
// The kick expression of derive.ts; a mutant wraps the whole of it (a ternary) in parentheses before scaling it.
const KICK_EXPR = 'inputScale === 1 || conductance ? synapseModel(channels[channel]!.synapse).kick(channels[channel]!, conductance) : f32(synapseModel(channels[channel]!.synapse).kick(channels[channel]!, conductance) * inputScale)';
const KICK = `kick: ${KICK_EXPR},`;
const scaledKick = (factor: string): string => `kick: (${KICK_EXPR}) * ${factor},`;
const CURRENT_BASED = 'src/neurons/currentBased.ts'; // eif and lif: derived constants, CPU update, WGSL
const SYNAPSE = 'test/unit/synapsePhysics.test.ts';
const NETWORK = 'test/unit/akilPhysics.test.ts';

const CLASSES = [
  ['EE', 'E<-E'],
  ['EI', 'E<-I'],
  ['IE', 'I<-E'],
  ['II', 'I<-I'],
] as const;

const kicks: Mutant[] = CLASSES.flatMap(([cls, name]) =>
  ([1.2, 0.8] as const).map((factor) => ({
    id: `kick-${cls}-x${factor}`,
    description: `every recurrent kick J/tau of the ${name} projection class multiplied by ${factor}`,
    edits: [{ file: DERIVE, search: KICK, replace: scaledKick(`(\`\${pr.post}<-\${pr.pre}\` === '${name}' ? ${factor} : 1)`) }],
    killers: [SYNAPSE, NETWORK],
    ci: cls === 'EI' && factor === 1.2,
  })),
);

export const MUTANTS: Mutant[] = [
  ...kicks,
  {
    id: 'external-drive-x1.2',
    description: 'external drive x1.2: every feedforward (input layer) kick J_x/tau_x multiplied by 1.2',
    edits: [{ file: DERIVE, search: KICK, replace: scaledKick('(preIn ? 1.2 : 1)') }],
    killers: [NETWORK],
    ci: true,
  },
  {
    id: 'external-rate-x1.2',
    description: 'external drive x1.2 through the input rate: the per-step spike count of every input layer x1.2',
    edits: [{ file: DERIVE, search: 'const perStep = (x.rate_Hz * dt) / 1000;', replace: 'const perStep = (1.2 * x.rate_Hz * dt) / 1000;' }],
    killers: ['test/unit/input.test.ts', NETWORK],
  },
  {
    id: 'tauSyn-recurrent-x1.2',
    description: 'synaptic time constant of the recurrent channels x1.2 (decay and 1/tau alike)',
    edits: [{ file: DERIVE, search: "channels.push(deriveChannel(p.name, 'recurrent', p, dt));", replace: "channels.push(deriveChannel(p.name, 'recurrent', { ...p, tauSyn_ms: 1.2 * p.tauSyn_ms }, dt));" }],
    killers: [SYNAPSE],
    ci: true,
  },
  {
    id: 'tauSyn-input-x1.2',
    description: 'synaptic time constant of the input channels x1.2 (decay and 1/tau alike)',
    edits: [{ file: DERIVE, search: "channels.push(deriveChannel(x.name, 'input', x, dt));", replace: "channels.push(deriveChannel(x.name, 'input', { ...x, tauSyn_ms: 1.2 * x.tauSyn_ms }, dt));" }],
    killers: [SYNAPSE, 'test/unit/neuron.test.ts'],
  },
  {
    id: 'deltaT-x1.2',
    description: 'EIF slope factor Delta_T x1.2 (in g_L Delta_T and in 1/Delta_T)',
    edits: [
      { file: CURRENT_BASED, search: "const deltaT = n['deltaT_mV'] as number;", replace: "const deltaT = 1.2 * (n['deltaT_mV'] as number);" },
    ],
    killers: ['test/unit/neuron.test.ts'],
  },
  {
    id: 'tauMem-x1.2',
    description: 'membrane time constant tau_m x1.2 (in g_L and in g_L Delta_T)',
    edits: [
      { file: CURRENT_BASED, search: "const tau = n['tauMem_ms'] as number;", replace: "const tau = 1.2 * (n['tauMem_ms'] as number);" },
      { file: CURRENT_BASED, search: "gL: f(1 / (n['tauMem_ms'] as number))", replace: "gL: f(1 / (1.2 * (n['tauMem_ms'] as number)))" },
    ],
    killers: ['test/unit/neuron.test.ts'],
  },
  {
    id: 'eta-x2',
    description: 'plasticity learning rate eta x2 (every term of every rule)',
    edits: [{ file: 'src/plasticity/pair.ts', search: 'eta: f32(eta * (t.scaled ? jScale : 1))', replace: 'eta: f32(2 * eta * (t.scaled ? jScale : 1))' }],
    killers: ['test/unit/plasticity.test.ts', 'test/unit/plasticNetwork.test.ts'],
  },
  {
    id: 'trace-decay-off-by-one',
    description: "STDP traces off by one step: a spike's +1 is added after the step's decay instead of before it",
    edits: [
      { file: 'src/engine/cpu/traceUpdate.ts', search: 'if (i >= lo && i < hi) x[i] = f(x[i]! + 1);', replace: '' },
      {
        file: 'src/engine/cpu/traceUpdate.ts',
        search: 'else for (let i = lo; i < hi; i++) x[i] = f(x[i]! * dec);',
        replace: 'else for (let i = lo; i < hi; i++) x[i] = f(x[i]! * dec);\n    for (let s = 0; s < st.nSpikes; s++) if (st.spikes[s]! >= lo && st.spikes[s]! < hi) x[st.spikes[s]!] = f(x[st.spikes[s]!]! + 1);',
      },
    ],
    killers: ['test/unit/plasticity.test.ts'],
    ci: true,
  },
  {
    id: 'plasticity-order-swapped',
    description: 'plasticity_post runs before plasticity_pre in the step (SPEC schedule: pre-spike updates first)',
    edits: [{ file: 'src/engine/engine.ts', search: "  'plasticity_pre',\n  'plasticity_post',\n", replace: "  'plasticity_post',\n  'plasticity_pre',\n" }],
    killers: ['test/unit/stepOrder.test.ts'],
    ci: true,
  },
  {
    id: 'copy-probability-x1.2',
    description: 'correlated input: the copy probability c of the mother process x1.2',
    edits: [{ file: DERIVE, search: 'copyThreshold: bernoulliThreshold(c),', replace: 'copyThreshold: bernoulliThreshold(Math.min(1, 1.2 * c)),' }],
    killers: ['test/unit/input.test.ts'],
  },
  {
    id: 'reversal-plus-5mV',
    description: 'conductance-based synapses: every reversal potential shifted by +5 mV',
    edits: [{ file: DERIVE, search: '(e === undefined ? null : f32(e))', replace: '(e === undefined ? null : f32(e + 5))' }],
    killers: ['test/unit/vogelsNeuron.test.ts'],
  },
];
