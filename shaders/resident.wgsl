// The resident schedule: one workgroup runs steps [ctl.steps[0], ctl.stopStep) of a network in one
// dispatch, in SCHEDULE order, from the passes' own functions. Each thread owns neurons lid, lid + T, ...
// (T = RESIDENT_THREADS) for the whole dispatch; the per-spiker work is shared by T / ROW_THREADS
// sub-groups of ROW_THREADS threads, each walking one row or column at a time as a workgroup of the
// per-spiker passes does (sub-group s of n takes spikers s, s + n, ...). Phases are separated by
// storageBarrier (state in storage) and workgroupBarrier (accumulators in workgroup memory with
// acc_workgroup.wgsl); nothing needs a barrier between workgroups, which WebGPU does not have.
// Per step t: signals, correlated generation | independent input, events | neuron_update (list 0) |
// synapse_propagate + plasticity_pre of each spiker (one sub-group reads a synapse for delivery before it
// updates it, as in step.wgsl) | plasticity_post | trace_update, then the lists empty | record (bin end).
// The dispatch ends at a step boundary: steps[0] = steps[1] = the first step not run, lists empty.

override RESIDENT_THREADS: u32 = 256u;

var<workgroup> res_start: u32;
var<workgroup> res_stop: u32;
var<workgroup> res_halt: u32;
// P.binSteps, record_blocks() and P.nBlocks, read by thread 0 and loaded uniformly (the batch kernel,
// resident_batch.wgsl, reads P per network, which the uniformity analysis cannot see as uniform).
var<workgroup> res_bin: u32;
var<workgroup> res_nrec: u32;
var<workgroup> res_nblocks: u32;

// Every thread's writes to storage and workgroup memory are visible to the whole workgroup after it.
fn phase_barrier() {
  storageBarrier();
  workgroupBarrier();
}

// Input of step t (the 'input' pass): signals and correlated generation, then delivery.
fn resident_input(lid: u32, sub: u32, nsub: u32, slid: u32, t: u32) {
  for (var c = lid; c < P.nSignalChannels; c += RESIDENT_THREADS) {
    advance_signal_at(c, t);
  }
  for (var i = lid; i < RESIDENT_CORR; i += RESIDENT_THREADS) {
    correlated_events_at(i, t);
  }
  phase_barrier();
  deliver_inputs_independent(sub, nsub, slid, t);
  deliver_events(sub, nsub, slid, t);
}

// The largest correlated layer (0: none): threads of correlated generation.
override RESIDENT_CORR: u32 = 0u;

@compute @workgroup_size(RESIDENT_THREADS)
fn step_resident(@builtin(local_invocation_index) lid: u32) {
  resident_steps(lid);
}

// The steps of one network by one workgroup (the single kernel above, or one workgroup of the batch).
fn resident_steps(lid: u32) {
  let nsub = RESIDENT_THREADS / ROW_THREADS;
  let sub = lid / ROW_THREADS;
  let slid = lid % ROW_THREADS;
  if (lid == 0u) {
    res_start = ctl.steps[0];
    res_stop = ctl.stopStep;
    res_bin = P.binSteps;
    res_nrec = record_blocks();
    res_nblocks = P.nBlocks;
  }
  let start = workgroupUniformLoad(&res_start);
  let stop = workgroupUniformLoad(&res_stop);
  let bin_steps = workgroupUniformLoad(&res_bin);
  let nb = workgroupUniformLoad(&res_nrec);
  let n_blocks = workgroupUniformLoad(&res_nblocks);
  acc_enter(lid, RESIDENT_THREADS);
  for (var t = start; t < stop; t++) {
    phase_barrier();
    if (lid == 0u) {
      res_halt = atomicLoad(&ctl.halt);
    }
    if (workgroupUniformLoad(&res_halt) != 0u) {
      break; // a guard fired: the host raises it when it reads the submission back
    }
    resident_input(lid, sub, nsub, slid, t);
    phase_barrier();
    for (var i = lid; i < P.N; i += RESIDENT_THREADS) {
      neuron_update_at(i, t, 0u);
    }
    phase_barrier();
    let n = atomicLoad(&ctl.nSpikes[0]);
    for (var s = sub; s < n; s += nsub) {
      let g = ctl.list[P.spikeOff + s];
      propagate_spiker(g, slid, t);
      plasticity_pre_spiker(g, slid, t);
    }
    propagate_arrivals(sub, nsub, slid, t); // delayed plastic projections: their arrivals (state.wgsl)
    plasticity_pre_arrivals(sub, nsub, slid, t);
    phase_barrier();
    for (var s = sub; s < n; s += nsub) {
      plasticity_post_spiker(ctl.list[P.spikeOff + s], slid, t);
    }
    phase_barrier();
    for (var i = lid; i < P.N; i += RESIDENT_THREADS) {
      trace_update_at(i, t);
    }
    hist_record(lid, RESIDENT_THREADS, t);
    phase_barrier();
    if (lid == 0u) {
      atomicStore(&ctl.nSpikes[0], 0u);
      atomicStore(&ctl.nEvents, 0u);
    }
    if ((t + 1u) % bin_steps == 0u) {
      for (var b = 0u; b < nb; b++) {
        record_block(b, n_blocks, lid, t);
      }
    }
  }
  phase_barrier();
  acc_leave(lid, RESIDENT_THREADS);
  if (lid == 0u) {
    ctl.steps[0] = stop;
    ctl.steps[1] = stop;
  }
}
