// Pass 'trace_update' (twin of src/engine/cpu/traceUpdate.ts), one thread per neuron: traces of this
// step's spikers += 1, recurrent accumulators join their currents, then traces decay by f32(1 - dt/tau)
// and currents advance by their synapse model (synapse_step; the exponential's decays by f32(1 - dt/tau)). Then the 'record' of sampled currents: each sampled neuron adds its decayed
// currents to its per-bin sums (the CPU engine's recordStep reads the same values). At the last step of
// a bin a non-finite V is a state fault (flagged; the host raises RunGuardError('nan')).

fn trace_update_at(i: u32, step: u32) {
  // The 'check' of V at the end of a bin (V does not change in this pass).
  if ((step + 1u) % P.binSteps == 0u) {
    let v = fstate[P.vOff + i];
    if (!is_finite(v)) {
      flag_fault_v(i, v, step);
    }
  }
  let spiked = istate[P.lastOff + i] == i32(step);
  for (var t = 0u; t < P.nTraces; t++) {
    let tr = &P.traces[t];
    if (i < tr.offset || i >= tr.offset + tr.size) {
      continue;
    }
    let at = P.trOff + t * P.N + i;
    var x = fstate[at];
    // a lagged group (a delayed plastic projection's pre trace) counts the arrivals: i's spike of step - lag
    var counted = spiked;
    if (tr.lag != 0u) {
      counted = hist_bit(i, step, tr.lag);
    }
    if (counted) {
      x = x + 1.0;
    }
    fstate[at] = x * tr.decay;
  }
  if (P.histSlots > 0u) {
    hist_bit_set(i, step, spiked);
  }
  if (P.delaySlots > 0u) {
    // Delayed input arriving now (delayedPropagate.ts joinDelayed): the ring's slot of this step joins acc.
    let slot = P.nChannels * P.N * (1u + step % P.delaySlots);
    for (var c = 0u; c < P.nChannels; c++) {
      let at = c * P.N + i;
      let r = acc_take(slot + at); // (the ring is in workgroup memory with the accumulators on that path)
      if (r != 0) {
        acc_add(at, r, step);
      }
    }
  }
  // Channels: recurrent accumulators join (synapse_join: cur + inc by default), then synapse_step advances the
  // current one step (both generated from the synapse-model registry, src/synapses; the exponential's: x * decay).
  for (var c = 0u; c < P.nChannels; c++) {
    let at = c * P.N + i;
    let cur = fstate[P.curOff + at];
    if (P.channels[c].isInput != 0u) {
      fstate[P.curOff + at] = synapse_step(c, i, cur);
      continue;
    }
    let a = acc_take(at);
    if (a != 0) {
      fstate[P.curOff + at] = synapse_step(c, i, synapse_join(c, i, cur, f32(a) * FIXED_INV_SCALE));
    } else {
      fstate[P.curOff + at] = synapse_step(c, i, cur);
    }
  }
  let slot = istate[P.slotOff + i];
  if (slot >= 0) {
    let base = P.curAccOff + u32(slot) * P.nChannels;
    for (var c = 0u; c < P.nChannels; c++) {
      fstate[base + c] = fstate[base + c] + fstate[P.curOff + c * P.N + i];
    }
  }
}

@compute @workgroup_size(NEURON_THREADS)
fn trace_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (halted()) {
    return;
  }
  let i = neuron_index(gid, nwg);
  let step = current_step();
  if (i < P.N) {
    trace_update_at(i, step);
  }
  hist_record(i, P.N, step); // (one thread per neuron: at least as many as spikers)
}
