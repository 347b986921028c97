// Pass 'neuron_update' (twin of src/engine/cpu/neuronUpdate.ts), one thread per neuron: the step's
// fixed-point external input joins the input currents, then, by the population's model (PopParams.model):
// the Poisson source's draw (inputModulated.ts), or membrane_v, generated from the neuron-model registry
// (src/neurons: each model's WGSL twin, e.g. current_based_v in currentBased.ts, cond_lif_v in condLif.ts),
// in the reference's expression order; threshold, reset, refractoriness. Spikers are appended to a spike list (count
// ctl.nSpikes[list]) and stamped with the step in lastSpike.

// Philox stream of Poisson source populations: STREAM_SOURCE, generated from STREAM.source in
// src/rng/streams.ts; counter (step, k >> 2, population, 0), word k & 3.

fn join_inputs(i: u32) {
  for (var c = 0u; c < P.nChannels; c++) {
    if (P.channels[c].isInput == 0u) {
      continue;
    }
    let at = c * P.N + i;
    let a = acc_take(at);
    if (a != 0) {
      fstate[P.curOff + at] = synapse_join(c, i, fstate[P.curOff + at], f32(a) * FIXED_INV_SCALE);
    }
  }
}

// No spike list: the resident kernel's step blocks (resident.wgsl) read the spikers from lastSpike instead.
const NO_LIST: u32 = 0xffffffffu;

// Appends spiker i to list `list` (none for NO_LIST), stamps it and starts its refractory period.
fn emit_spike(i: u32, step: u32, list: u32, refSteps: i32) {
  if (list != NO_LIST) {
    let s = atomicAdd(&ctl.nSpikes[list], 1u);
    ctl.list[P.spikeOff + list * P.N + s] = i;
  }
  istate[P.lastOff + i] = i32(step);
  istate[P.refrOff + i] = refSteps;
}

// Spike probability of source k (local index) of Poisson population p (sourceProbability):
// pBase + pGain * max(0, x) with x its signal channel's value; pBase when unmodulated.
fn source_probability(p: u32, k: u32) -> f32 {
  let pp = &P.pops[p];
  if (pp.sigCount == 0u) {
    return pp.pBase;
  }
  var c = pp.sigOffset;
  if (pp.sigCount > 1u) {
    c = pp.sigOffset + (k * pp.sigCount) / pp.size; // < 2^32: checked by the host (GpuPlan)
  }
  return pp.pBase + pp.pGain * max(0.0, fstate[P.sigOff + c]);
}

// The step of the neuron update in progress, for models whose membrane function draws noise (adaptive_lif).
var<private> NU_STEP: u32;

// Neuron i at `step`; a spike goes to list `list`.
fn neuron_update_at(i: u32, step: u32, list: u32) {
  NU_STEP = step;
  join_inputs(i);
  let refr = istate[P.refrOff + i];
  if (refr > 0) {
    istate[P.refrOff + i] = refr - 1;
    return;
  }
  let p = pop_of(i);
  let pp = &P.pops[p];
  if (pp.model == MODEL_POISSON) {
    // poissonSourceUpdate: word k & 3 of counter (step, k >> 2, population); V is not used.
    let k = i - pp.offset;
    let w = philox4x32(vec4<u32>(step, k >> 2u, p, 0u), vec2<u32>(P.seed, STREAM_SOURCE))[k & 3u];
    if (u01(w) < source_probability(p, k)) {
      emit_spike(i, step, list, pp.refSteps);
    }
    return;
  }
  let vi = fstate[P.vOff + i];
  var vn = membrane_v(p, i, vi);
  if (vn >= pp.vThresh) {
    emit_spike(i, step, list, pp.refSteps);
    vn = pp.vReset;
    if (pp.adaptKick != 0.0) {
      // adaptive_lif: the spike-triggered adaptation current (its own channel; only this thread writes it).
      let at = P.curOff + pp.adaptCh * P.N + i;
      fstate[at] = fstate[at] + pp.adaptKick;
    }
  }
  fstate[P.vOff + i] = vn;
}

@compute @workgroup_size(NEURON_THREADS)
fn neuron_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (halted()) {
    return;
  }
  let i = neuron_index(gid, nwg);
  if (i < P.N) {
    neuron_update_at(i, current_step(), PARITY);
  }
}
