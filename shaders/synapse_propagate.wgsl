// Pass 'synapse_propagate' (twin of src/engine/cpu/synapsePropagate.ts): event-driven delivery. Each
// workgroup takes spikers s = workgroup, workgroup + groups, ... of the step's list; its threads walk
// the spiker's outgoing rows and add each synapse's fixed-point increment (static: q; plastic:
// round(w * kick * 2^20) with the step's weight, before plasticity; kick = 1/tau) to its target's
// accumulator. The spiker also goes into the submission's spike record (step, id): the 'record' of spikes.

// Synaptic delays (twin of src/engine/cpu/delayedPropagate.ts): a projection with delays > 1 step adds to the
// delay ring, slot (step + d - 1) % delaySlots, at acc[nChannels * N * (1 + slot) + at]; trace_update moves the
// slot of its step into the accumulators first. d: the projection's delayMin, or synapse y's own delay.
fn delayed_at(j: u32, y: u32, at: u32, step: u32) -> u32 {
  let pj = &P.projs[j];
  var dl = pj.delayMin;
  if (pj.delayMax != pj.delayMin) {
    dl = graph_at(pj.delayOff + y - pj.synOff);
  }
  return P.nChannels * P.N * (1u + (step + dl - 1u) % P.delaySlots) + at;
}

// Procedural projection j (storage 'procedural', static, one delay): row k regenerated from its counter by
// procedural_walk() (state.wgsl), so the targets and their order are the stored CSR's; q goes to each target's
// accumulator (or its delay slot). No synapse is read from memory.
fn procedural_row(j: u32, k: u32, base: u32, step: u32) {
  let pj = &P.projs[j];
  var at0 = base + pj.postOffset;
  if (pj.delayMax > 1u && pj.procedural != 3u) {
    at0 = delayed_at(j, 0u, at0, step); // one delay for the projection: no per-synapse delay is read
  }
  procedural_walk(j, k, at0, pj.q, step);
}

// Thread y of a row walks synapses start + lid, start + lid + ROW_THREADS, ...: plasticity_pre uses the
// same mapping, so in the fused schedule each synapse is read here before it is updated there.
fn propagate_spiker(g: u32, lid: u32, step: u32) {
  if (lid == 0u) {
    let r = atomicAdd(&ctl.recCount, 1u);
    if (r < P.recCap) {
      ctl.list[P.recOff + 2u * r] = step;
      ctl.list[P.recOff + 2u * r + 1u] = g;
    } else {
      atomicStore(&ctl.halt, 1u); // spike record full: the host raises the rate guard
    }
  }
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let k = g - pj.preOffset; // wraps for g below the range
    if (pj.preIsInput != 0u || k >= pj.preSize || pj.arrivalLag != 0u) {
      continue; // (a delayed plastic projection runs on its arrivals: propagate_arrivals)
    }
    propagate_row(j, k, lid, step);
  }
}

// Projection j's row k (local presynaptic index) at `step`.
fn propagate_row(j: u32, k: u32, lid: u32, step: u32) {
  let pj = &P.projs[j];
  let base = pj.channel * P.N;
  if (pj.procedural != 0u) {
    if (lid == 0u) {
      procedural_row(j, k, base, step); // a row's draws are sequential: one thread walks it
    }
    return;
  }
  let end = graph_at(pj.rowOff + k + 1u);
  if (pj.plastic != 0u) {
    let w_base = pj.wOff - pj.synOff;
    let kick = pj.kick;
    let ring = pj.delayMax > 1u && pj.arrivalLag == 0u;
    for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
      var at = base + graph_at(P.postOff + y);
      if (ring) {
        at = delayed_at(j, y, at, step);
      }
      acc_add(at, fixed_increment(weight_at(w_base + y), kick, at, step), step);
    }
  } else {
    let q = pj.q;
    if (pj.delayMax > 1u) {
      for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
        acc_add(delayed_at(j, y, base + graph_at(P.postOff + y), step), q, step);
      }
      return;
    }
    for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
      acc_add(base + graph_at(P.postOff + y), q, step);
    }
  }
}

// Delayed spike-driven plasticity (axonal-delay convention, docs/trials-delays.md): projection j with arrivalLag L
// delivers, undelayed, the spikers of step - L (the history, state.wgsl) at `step`. Worker w of nw takes
// arrivals w, w + nw, ... (plasticity_pre_arrivals the same ones, with the same thread per synapse). Per-synapse
// delays (proj_hetero): each lag L of [delayMin - 1, arrivalLag] in turn, over its synapses of delay L + 1.
fn propagate_arrivals(w: u32, nw: u32, lid: u32, step: u32) {
  if (P.histSlots == 0u) {
    return;
  }
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let lag = pj.arrivalLag;
    if (lag == 0u) {
      continue;
    }
    if (proj_hetero(j)) {
      for (var L = pj.delayMin - 1u; L <= lag; L++) {
        let n = lag_count(step, L);
        for (var s = w; s < n; s += nw) {
          let k = lag_at(step, L, s) - pj.preOffset;
          if (k < pj.preSize) {
            propagate_row_lag(j, k, lid, step, L);
          }
        }
      }
      continue;
    }
    let n = hist_count(step, lag);
    for (var s = w; s < n; s += nw) {
      let k = hist_at(step, lag, s) - pj.preOffset;
      if (k < pj.preSize) {
        propagate_row(j, k, lid, step);
      }
    }
  }
}

// Per-synapse delays with spike-driven plasticity: row k of plastic projection j at lag L, its synapses of delay
// L + 1 only (the others of the row arrive at other steps), with the weight before this step's update.
fn propagate_row_lag(j: u32, k: u32, lid: u32, step: u32, lag: u32) {
  let pj = &P.projs[j];
  let base = pj.channel * P.N;
  let w_base = pj.wOff - pj.synOff;
  let kick = pj.kick;
  let end = graph_at(pj.rowOff + k + 1u);
  for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
    if (syn_delay(j, y) != lag + 1u) {
      continue;
    }
    let at = base + graph_at(P.postOff + y);
    acc_add(at, fixed_increment(weight_at(w_base + y), kick, at, step), step);
  }
}

@compute @workgroup_size(ROW_THREADS)
fn synapse_propagate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (halted()) {
    return;
  }
  let n = spike_count();
  let step = current_step();
  for (var s = wid.x; s < n; s += nwg.x) {
    propagate_spiker(spike_at(s), lid, step);
  }
  propagate_arrivals(wid.x, nwg.x, lid, step);
}
