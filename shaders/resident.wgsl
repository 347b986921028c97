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
  if (RESIDENT_BLOCK > 1u) {
    resident_blocks(lid, sub, nsub, slid, start, stop, bin_steps, nb, n_blocks);
    return;
  }
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

// Step blocks (ResidentStep.ts stepBlockFor): with every population projection delayed by d >= 2 steps, no
// spike plasticity and no spike history, a spike of step t reaches the ring slot of step t + d - 1 or later,
// so the neuron updates of RESIDENT_BLOCK = b <= d consecutive steps read only arrivals already in the ring.
// A block [t0, t0 + b) runs, per owned neuron: trace_update(t - 1) (t > t0), input(t), neuron_update(t)
// for t = t0 .. t0 + b - 1 (spikers marked by bit t - t0 of a per-neuron mask in list 1, which this
// schedule does not use otherwise); then, after one barrier, the record and the propagation of the b steps'
// spikes into the ring (slots >= t0 + d - 1: none that trace_update(t0 .. t0 + b - 2) has taken in this
// block); then, after another, trace_update(t0 + b - 1), whose slot may hold step t0's spikes. The record
// entries of step t land at the positions the per-step loop gives them (by step, then any order), from
// per-step counts. Barriers per block: 3, plus 3 per step with input (signals, generation, delivery: they
// write other neurons' accumulators), plus 2 around a bin's record; the per-step loop has 7 per step.
override RESIDENT_BLOCK: u32 = 1u;
// 1: the network has input to deliver (layers or signals; resident_input per step, with its barriers).
override RESIDENT_INPUT: u32 = 1u;

var<workgroup> blk_count: array<atomic<u32>, 32>;
var<workgroup> blk_cursor: array<atomic<u32>, 32>;

// Spikers of steps t0 + k: neuron g's mask (bit k), written by g's own thread in the neuron phase.
fn blk_mask_at(g: u32) -> u32 {
  return ctl.list[P.spikeOff + P.N + g];
}

// The neuron phase of one owned neuron at step t = t0 + k: its spike goes into its mask and the step's count.
fn blk_neuron(i: u32, t: u32, k: u32) {
  neuron_update_at(i, t, NO_LIST);
  var m = 0u;
  if (k > 0u) {
    m = blk_mask_at(i);
  }
  if (istate[P.lastOff + i] == i32(t)) {
    m = m | (1u << k);
    atomicAdd(&blk_count[k], 1u);
  }
  ctl.list[P.spikeOff + P.N + i] = m;
}

// Spike g of step t: propagate_spiker's projections without its record entry (written by blk_record).
fn blk_propagate(g: u32, slid: u32, t: u32) {
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let k = g - pj.preOffset; // wraps for g below the range
    if (pj.preIsInput != 0u || k >= pj.preSize || pj.arrivalLag != 0u) {
      continue;
    }
    propagate_row(j, k, slid, t);
  }
}

// The record entries of the block's spikes (neurons lid, lid + T, ...): step t0 + k's after those of the
// steps before it, as the per-step loop's atomicAdd on recCount places them; beyond recCap: halt (rate guard).
// Returns recCount after the block (thread 0 stores it once every thread has read the old value).
fn blk_record(lid: u32, t0: u32, b: u32) -> u32 {
  let rec0 = atomicLoad(&ctl.recCount);
  var base: array<u32, 32>;
  var acc = rec0;
  for (var k = 0u; k < b; k++) {
    base[k] = acc;
    acc += atomicLoad(&blk_count[k]);
  }
  for (var i = lid; i < P.N; i += RESIDENT_THREADS) {
    var m = blk_mask_at(i);
    while (m != 0u) {
      let k = firstTrailingBit(m);
      m = m & (m - 1u);
      let r = base[k] + atomicAdd(&blk_cursor[k], 1u);
      if (r < P.recCap) {
        ctl.list[P.recOff + 2u * r] = t0 + k;
        ctl.list[P.recOff + 2u * r + 1u] = i;
      } else {
        atomicStore(&ctl.halt, 1u); // spike record full: the host raises the rate guard
      }
    }
  }
  return acc;
}

fn resident_blocks(lid: u32, sub: u32, nsub: u32, slid: u32, start: u32, stop: u32, bin_steps: u32, nb: u32, n_blocks: u32) {
  if (lid < 32u) {
    atomicStore(&blk_count[lid], 0u);
    atomicStore(&blk_cursor[lid], 0u);
  }
  for (var t0 = start; t0 < stop; t0 += RESIDENT_BLOCK) {
    phase_barrier();
    if (lid == 0u) {
      res_halt = atomicLoad(&ctl.halt);
    }
    if (workgroupUniformLoad(&res_halt) != 0u) {
      break; // a guard fired: the host raises it when it reads the submission back
    }
    let b = min(RESIDENT_BLOCK, stop - t0);
    for (var k = 0u; k < b; k++) {
      let t = t0 + k;
      if (k > 0u) {
        for (var i = lid; i < P.N; i += RESIDENT_THREADS) {
          trace_update_at(i, t - 1u);
        }
        if (t % bin_steps == 0u) {
          phase_barrier();
          for (var r = 0u; r < nb; r++) {
            record_block(r, n_blocks, lid, t - 1u);
          }
          phase_barrier();
        }
      }
      if (RESIDENT_INPUT != 0u) {
        if (k > 0u) {
          phase_barrier(); // neuron_update(t - 1) has taken its input and read the signals
        }
        resident_input(lid, sub, nsub, slid, t);
        phase_barrier();
        if (lid == 0u) {
          atomicStore(&ctl.nEvents, 0u); // the events of t are delivered
        }
      }
      for (var i = lid; i < P.N; i += RESIDENT_THREADS) {
        blk_neuron(i, t, k);
      }
    }
    phase_barrier();
    let rec_end = blk_record(lid, t0, b);
    for (var s = sub; s < P.N; s += nsub) {
      var m = blk_mask_at(s);
      while (m != 0u) {
        let k = firstTrailingBit(m);
        m = m & (m - 1u);
        blk_propagate(s, slid, t0 + k);
      }
    }
    phase_barrier();
    let tl = t0 + b - 1u;
    if (lid == 0u) {
      atomicStore(&ctl.recCount, rec_end);
    }
    if (lid < 32u) {
      atomicStore(&blk_count[lid], 0u);
      atomicStore(&blk_cursor[lid], 0u);
    }
    for (var i = lid; i < P.N; i += RESIDENT_THREADS) {
      trace_update_at(i, tl);
    }
    if ((tl + 1u) % bin_steps == 0u) {
      phase_barrier();
      for (var r = 0u; r < nb; r++) {
        record_block(r, n_blocks, lid, tl);
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
