// Runs a preset with the plasticnet library on the CPU engine and prints its summary next to the
// mean-field theory, then writes the outputs `plasticnet run` would write.
//   node run.mjs [preset] [N] [T_s] [outDir]      e.g. node run.mjs akil-istdp-demo 2000 2 out
import { Simulation, SpecError, getPreset, presets, withOverrides } from 'plasticnet';
import { writeRunOutputs } from 'plasticnet/node';

const [presetName = 'akil-istdp-demo', N = '2000', T = '2', outDir] = process.argv.slice(2);
if (!presets.some((p) => p.name === presetName)) {
  console.error(`unknown preset '${presetName}': known presets are ${presets.map((p) => p.name).join(', ')}`);
  process.exit(2);
}

let sim;
try {
  sim = await Simulation.create(withOverrides(getPreset(presetName), { N: Number(N), T_s: Number(T) }), { backend: 'cpu' });
} catch (e) {
  if (!(e instanceof SpecError)) throw e;
  console.error(e.message); // names each bad field, its value and the allowed range
  process.exit(2);
}

await sim.run({ onProgress: (p) => process.stderr.write(`\r${p.simTime_s.toFixed(2)} s simulated, real-time factor ${p.rtf.toFixed(2)}`) });
process.stderr.write('\n');
const out = await sim.outputs();
const theory = out.summary.theory.initialWeights;
const result = {
  preset: presetName,
  N: sim.spec.N,
  T_s: sim.spec.T_s,
  backend: sim.backend,
  steps: sim.step,
  stoppedBy: sim.stoppedBy,
  rates_Hz: Object.fromEntries(Object.entries(out.summary.populations).map(([pop, s]) => [pop, s.rate_Hz])),
  theoryRates_Hz: theory && 'rates_Hz' in theory ? theory.rates_Hz : null,
  plastic: Object.fromEntries(Object.entries(out.summary.plastic).map(([proj, s]) => [proj, s.jMeanFinal])),
  spikes: (await sim.recordings()).neuronStats.spikeCount.reduce((a, b) => a + b, 0),
};
console.log(JSON.stringify(result, null, 2));
if (outDir) console.error(`wrote ${writeRunOutputs(outDir, sim.spec, out).length} files to ${outDir}`);
sim.dispose();
