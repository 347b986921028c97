// Pass 'plasticity_post' (twin of plasticityPostPass in src/engine/cpu/plasticity.ts): for each spiker
// in a plastic projection's postsynaptic population, the onPost term on its incoming column (column
// index: weight index and presynaptic neuron of each entry), after every pre-spike update of the step.
// The column index is read through colidx_at (graph_at when it lives in graph; its own chunks when split).

// Global presynaptic neuron of projection j's column entry e (a weight index): one word per entry, or two
// local indices per word (pre16, a presynaptic population of at most 2^16 neurons).
fn col_pre(j: u32, e: u32) -> u32 {
  let pj = &P.projs[j];
  let le = e - pj.wOff;
  if (pj.pre16 != 0u) {
    let w = colidx_at(pj.colPreOff + (le >> 1u));
    return pj.preOffset + ((w >> ((le & 1u) * 16u)) & 0xffffu);
  }
  return colidx_at(pj.colPreOff + le);
}

fn plasticity_post_spiker(g: u32, lid: u32, step: u32) {
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let c = g - pj.postOffset;
    if (pj.plastic == 0u || pj.preIsInput != 0u || c >= pj.postSize || i32(step) < pj.startStep) {
      continue;
    }
    let x_post = fstate[P.trOff + pj.postTrace * P.N + g];
    let pre_trace = P.trOff + pj.preTrace * P.N;
    let term = pj.onPost;
    let end = colidx_at(pj.colOff + c + 1u);
    if (proj_hetero(j)) {
      // per-synapse delays (heteroPost): each synapse reads the pre trace of its own lag, delay - 1
      for (var e = colidx_at(pj.colOff + c) + lid; e < end; e += ROW_THREADS) {
        let wi = colidx_at(P.colWOff + e);
        let tr = lag_trace(j, syn_delay(j, wi - pj.wOff + pj.synOff) - 1u);
        weight_set(wi, apply_term(j, term, weight_at(wi), fstate[P.trOff + tr * P.N + col_pre(j, e)], x_post));
      }
      continue;
    }
    for (var e = colidx_at(pj.colOff + c) + lid; e < end; e += ROW_THREADS) {
      let wi = colidx_at(P.colWOff + e);
      weight_set(wi, apply_term(j, term, weight_at(wi), fstate[pre_trace + col_pre(j, e)], x_post));
    }
  }
}

@compute @workgroup_size(ROW_THREADS)
fn plasticity_post(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (halted()) {
    return;
  }
  let n = spike_count();
  let step = current_step();
  for (var s = wid.x; s < n; s += nwg.x) {
    plasticity_post_spiker(spike_at(s), lid, step);
  }
}
