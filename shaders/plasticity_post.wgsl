// Pass 'plasticity_post' (twin of plasticityPostPass in src/engine/cpu/plasticity.ts): for each spiker
// in a plastic projection's postsynaptic population, the onPost term on its incoming column (column
// index: weight index and presynaptic neuron of each entry), after every pre-spike update of the step.

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
    let end = graph_at(pj.colOff + c + 1u);
    if (proj_hetero(j)) {
      // per-synapse delays (heteroPost): each synapse reads the pre trace of its own lag, delay - 1
      for (var e = graph_at(pj.colOff + c) + lid; e < end; e += ROW_THREADS) {
        let wi = graph_at(P.colWOff + e);
        let tr = lag_trace(j, syn_delay(j, wi - pj.wOff + pj.synOff) - 1u);
        weight_set(wi, apply_term(j, term, weight_at(wi), fstate[P.trOff + tr * P.N + graph_at(P.colPreOff + e)], x_post));
      }
      continue;
    }
    for (var e = graph_at(pj.colOff + c) + lid; e < end; e += ROW_THREADS) {
      let wi = graph_at(P.colWOff + e);
      weight_set(wi, apply_term(j, term, weight_at(wi), fstate[pre_trace + graph_at(P.colPreOff + e)], x_post));
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
