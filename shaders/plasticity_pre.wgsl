// Pass 'plasticity_pre' (twin of plasticityPrePass in src/engine/cpu/plasticity.ts): for each spiker
// in a plastic projection's presynaptic population, the onPre term on its outgoing row, with traces
// from before this step. Each synapse has one presynaptic neuron, so no two workgroups write the same
// weight and float updates stay race-free and ordered.

fn plasticity_pre_spiker(g: u32, lid: u32, step: u32) {
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let k = g - pj.preOffset;
    if (pj.plastic == 0u || pj.preIsInput != 0u || k >= pj.preSize || pj.arrivalLag != 0u) {
      continue; // (a delayed projection's updates come at the arrivals: plasticity_pre_arrivals)
    }
    plasticity_pre_row(j, k, g, lid, step);
  }
}

// The onPre term on projection j's row k (presynaptic neuron g), with traces from before this step.
fn plasticity_pre_row(j: u32, k: u32, g: u32, lid: u32, step: u32) {
  let pj = &P.projs[j];
  if (i32(step) < pj.startStep) {
    return;
  }
  let x_pre = fstate[P.trOff + pj.preTrace * P.N + g];
  let post_trace = P.trOff + pj.postTrace * P.N;
  let term = pj.onPre;
  let w_base = pj.wOff - pj.synOff;
  let end = graph_at(pj.rowOff + k + 1u);
  for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
    let wi = w_base + y;
    weight_set(wi, apply_term(j, term, weight_at(wi), x_pre, fstate[post_trace + graph_at(P.postOff + y)]));
  }
}

// Delayed spike-driven plasticity: the pre-spike update at the arrival (the spikers of step - arrivalLag, as
// propagate_arrivals walks them); x_pre is the projection's trace of arrivals (a lagged trace group). Per-synapse
// delays: each lag L in turn, its synapses of delay L + 1 with the trace group of lag L (heteroPropagatePre).
fn plasticity_pre_arrivals(w: u32, nw: u32, lid: u32, step: u32) {
  if (P.histSlots == 0u) {
    return;
  }
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let lag = pj.arrivalLag;
    if (lag == 0u || pj.plastic == 0u) {
      continue;
    }
    if (proj_hetero(j)) {
      if (i32(step) < pj.startStep) {
        continue;
      }
      for (var L = pj.delayMin - 1u; L <= lag; L++) {
        let n = lag_count(step, L);
        for (var s = w; s < n; s += nw) {
          let g = lag_at(step, L, s);
          let k = g - pj.preOffset;
          if (k < pj.preSize) {
            plasticity_pre_row_lag(j, k, g, lid, L);
          }
        }
      }
      continue;
    }
    let n = hist_count(step, lag);
    for (var s = w; s < n; s += nw) {
      let g = hist_at(step, lag, s);
      let k = g - pj.preOffset;
      if (k < pj.preSize) {
        plasticity_pre_row(j, k, g, lid, step);
      }
    }
  }
}

// The onPre term on row k (presynaptic neuron g) of a projection with per-synapse delays at lag L: its synapses of
// delay L + 1, with the pre trace of lag L (the same thread per synapse as propagate_row_lag).
fn plasticity_pre_row_lag(j: u32, k: u32, g: u32, lid: u32, lag: u32) {
  let pj = &P.projs[j];
  let x_pre = fstate[P.trOff + lag_trace(j, lag) * P.N + g];
  let post_trace = P.trOff + pj.postTrace * P.N;
  let term = pj.onPre;
  let w_base = pj.wOff - pj.synOff;
  let end = graph_at(pj.rowOff + k + 1u);
  for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
    if (syn_delay(j, y) != lag + 1u) {
      continue;
    }
    let wi = w_base + y;
    weight_set(wi, apply_term(j, term, weight_at(wi), x_pre, fstate[post_trace + graph_at(P.postOff + y)]));
  }
}

@compute @workgroup_size(ROW_THREADS)
fn plasticity_pre(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (halted()) {
    return;
  }
  let n = spike_count();
  let step = current_step();
  for (var s = wid.x; s < n; s += nwg.x) {
    plasticity_pre_spiker(spike_at(s), lid, step);
  }
  plasticity_pre_arrivals(wid.x, nwg.x, lid, step);
}
