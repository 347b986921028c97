// The fused schedule: one step in three dispatches (two without plasticity and correlated input),
// built from the passes' own functions, in SCHEDULE order for every value each pass reads. With p the
// step's parity (PARITY), list p holds the step's spikers and steps[p] the step t:
//   step_spikers (t): synapse_propagate + plasticity_pre of each spiker (the same thread reads a
//     synapse's weight for delivery before it updates it); independent input of t + 1 into the input
//     accumulators (consumed by t + 1's neuron update only); correlated generation for t + 1; the
//     rate-modulating signals of t + 1 (read only by t + 1's neuron update);
//   step_post (t): plasticity_post (after every pre update of t); correlated events of t + 1;
//   step_neurons (t): trace_update of t, then neuron_update of t + 1 into list 1 - p, and thread 0
//     advances the counter (steps[1 - p] = t + 1) and empties list p and the events.
// The recurrent accumulators are joined in trace_update(t) before neuron_update(t + 1) reads the
// currents, exactly as in the pass-by-pass order; the input accumulators only hold t + 1's input.

// Workgroups of the spiker role; then INPUT_GROUPS for independent input; then CORR_GROUPS for
// correlated generation; then the signals (one thread per channel).
override SPIKE_GROUPS: u32 = 1u;
override INPUT_GROUPS: u32 = 1u;
override CORR_GROUPS: u32 = 0u;

@compute @workgroup_size(ROW_THREADS)
fn step_spikers(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (halted()) {
    return;
  }
  let step = current_step();
  let w = wid.x;
  if (w < SPIKE_GROUPS) {
    let n = spike_count();
    for (var s = w; s < n; s += SPIKE_GROUPS) {
      let g = spike_at(s);
      propagate_spiker(g, lid, step);
      plasticity_pre_spiker(g, lid, step);
    }
    // delayed plastic projections: their arrivals (one workgroup reads a synapse before it updates it), and
    // this step's list into the spike history (a slot no reader of this step reads)
    propagate_arrivals(w, SPIKE_GROUPS, lid, step);
    plasticity_pre_arrivals(w, SPIKE_GROUPS, lid, step);
    hist_record(w * ROW_THREADS + lid, SPIKE_GROUPS * ROW_THREADS, step);
  } else if (w < SPIKE_GROUPS + INPUT_GROUPS) {
    deliver_inputs_independent(w - SPIKE_GROUPS, INPUT_GROUPS, lid, step + 1u);
  } else if (w < SPIKE_GROUPS + INPUT_GROUPS + CORR_GROUPS) {
    correlated_events_at((w - SPIKE_GROUPS - INPUT_GROUPS) * ROW_THREADS + lid, step + 1u);
  } else {
    advance_signal_at((w - SPIKE_GROUPS - INPUT_GROUPS - CORR_GROUPS) * ROW_THREADS + lid, step + 1u);
  }
}

@compute @workgroup_size(ROW_THREADS)
fn step_post(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (halted()) {
    return;
  }
  let step = current_step();
  let w = wid.x;
  if (w < SPIKE_GROUPS) {
    let n = spike_count();
    for (var s = w; s < n; s += SPIKE_GROUPS) {
      plasticity_post_spiker(spike_at(s), lid, step);
    }
  } else {
    deliver_events(w - SPIKE_GROUPS, nwg.x - SPIKE_GROUPS, lid, step + 1u);
  }
}

// The end of step t for thread i (step_close and step_neurons): thread 0 advances the counter to t + 1
// and clears the spike list of the next parity and the event count; neuron i runs trace_update of t.
fn end_step(i: u32, step: u32) {
  if (i == 0u) {
    ctl.steps[1u - PARITY] = step + 1u;
    atomicStore(&ctl.nSpikes[PARITY], 0u);
    atomicStore(&ctl.nEvents, 0u);
  }
  if (i < P.N) {
    trace_update_at(i, step);
  }
}

// The last step of a submission ends at a step boundary: trace_update of t and the counter only, so the
// state between submissions is the CPU reference's (snapshots, checkpoints); the next submission
// starts with the pass-by-pass input and neuron_update of t + 1.
@compute @workgroup_size(NEURON_THREADS)
fn step_close(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (halted()) {
    return;
  }
  end_step(neuron_index(gid, nwg), current_step());
}

@compute @workgroup_size(NEURON_THREADS)
fn step_neurons(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (halted()) {
    return;
  }
  let i = neuron_index(gid, nwg);
  let step = current_step();
  end_step(i, step);
  if (i < P.N) {
    neuron_update_at(i, step + 1u, 1u - PARITY);
  }
}
