// Pass 'neuron_update' (twin of src/engine/cpu/neuronUpdate.ts), one thread per neuron: the step's
// fixed-point external input joins the input currents, then forward Euler of the EIF/LIF membrane in
// the reference's expression order, threshold, reset, refractoriness. Spikers are appended to a spike
// list (count ctl.nSpikes[list]) and stamped with the step in lastSpike.

fn join_inputs(i: u32) {
  for (var c = 0u; c < P.nChannels; c++) {
    if (P.channels[c].isInput == 0u) {
      continue;
    }
    let at = c * P.N + i;
    let a = atomicLoad(&acc[at]);
    if (a != 0) {
      fstate[P.curOff + at] = fstate[P.curOff + at] + f32(a) * FIXED_INV_SCALE;
      atomicStore(&acc[at], 0);
    }
  }
}

// Neuron i at `step`; a spike goes to list `list`.
fn neuron_update_at(i: u32, step: u32, list: u32) {
  join_inputs(i);
  let refr = istate[P.refrOff + i];
  if (refr > 0) {
    istate[P.refrOff + i] = refr - 1;
    return;
  }
  let pp = &P.pops[pop_of(i)];
  var itot = 0.0;
  for (var c = 0u; c < P.nChannels; c++) {
    itot = itot + fstate[P.curOff + c * P.N + i];
  }
  let vi = fstate[P.vOff + i];
  let leak = pp.gL * (pp.eL - vi);
  var ex = 0.0;
  if (pp.isEif != 0u) {
    ex = pp.gLdT * exp((vi - pp.vT) * pp.invDeltaT);
  }
  var vn = vi + pp.dtOverC * ((itot + leak) + ex);
  if (vn >= pp.vThresh) {
    let s = atomicAdd(&ctl.nSpikes[list], 1u);
    ctl.list[P.spikeOff + list * P.N + s] = i;
    istate[P.lastOff + i] = i32(step);
    vn = pp.vReset;
    istate[P.refrOff + i] = pp.refSteps;
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
