// Embeds a plasticnet network in a page: runs a preset frame by frame on the main thread and draws each
// new spike of the recorded raster neurons as it happens (E blue, I red). The final summary goes to #result
// as JSON text; body[data-state] is 'running', then 'done' or 'error' (the package test waits on it).
import { Simulation, acquireDevice, getPreset, withOverrides } from 'plasticnet';

const q = new URLSearchParams(location.search);
const status = document.getElementById('status');
const canvas = document.getElementById('raster');
const ctx = canvas.getContext('2d');
const say = (text) => (status.textContent = text);

async function main() {
  const spec = withOverrides(getPreset(q.get('preset') ?? 'akil-istdp-demo'), { N: Number(q.get('N') ?? 2000), T_s: Number(q.get('T') ?? 2) });
  const backend = q.get('backend') === 'webgpu' ? 'webgpu' : 'cpu';
  let device;
  // Any GPUDevice will do; acquireDevice() asks navigator.gpu for one with the limits the engine wants.
  if (backend === 'webgpu') device = (await acquireDevice({ allowSoftware: true })).device;
  const sim = await Simulation.create(spec, { backend, ...(device ? { device } : {}) }); // throws SpecError on a bad spec
  document.body.dataset.state = 'running';

  // Raster rows: the recorded neurons in order; population by global index.
  const first = await sim.recordings();
  const row = new Map(Array.from(first.raster.neurons, (n, i) => [n, i]));
  const rows = Math.max(1, first.raster.neurons.length);
  const popOf = (n) => first.populations.find((p) => n >= p.offset && n < p.offset + p.size)?.name ?? '';
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'];
  const color = new Map(first.populations.map((p, k) => [p.name, colors[k % colors.length]]));
  let drawn = 0;
  let chunk = 50;

  while (!sim.done) {
    const t0 = performance.now();
    await sim.advance(chunk);
    const ms = performance.now() - t0;
    chunk = Math.max(1, Math.round(chunk * Math.min(4, 25 / Math.max(ms, 0.1)))); // about 25 ms per frame
    const { raster } = await sim.recordings();
    for (let i = drawn; i < raster.count; i++) {
      const n = raster.ids[i];
      ctx.fillStyle = color.get(popOf(n));
      ctx.fillRect((raster.steps[i] / sim.nSteps) * canvas.width, ((row.get(n) ?? 0) / rows) * canvas.height, 1.5, 1.5);
    }
    drawn = raster.count;
    say(`${sim.backend}: ${sim.simTime_s.toFixed(2)} / ${spec.T_s} s simulated, ${drawn} spikes drawn`);
    await new Promise((r) => requestAnimationFrame(r));
  }

  const summary = await sim.summary();
  const rec = await sim.recordings();
  const result = {
    backend: sim.backend,
    steps: sim.step,
    stoppedBy: sim.stoppedBy,
    rasterCount: rec.raster.count,
    spikes: rec.neuronStats.spikeCount.reduce((a, b) => a + b, 0),
    rates_Hz: Object.fromEntries(Object.entries(summary.populations).map(([pop, s]) => [pop, s.rate_Hz])),
  };
  document.getElementById('result').textContent = JSON.stringify(result, null, 2);
  say(`done: ${sim.simTime_s.toFixed(2)} s on ${sim.device}${sim.stoppedBy ? ` (stopped: ${sim.stoppedBy.message})` : ''}`);
  sim.dispose();
  document.body.dataset.state = 'done';
}

main().catch((e) => {
  say(`${e.name}: ${e.message}`);
  document.body.dataset.state = 'error';
});
