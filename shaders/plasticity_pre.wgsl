// Pass 'plasticity_pre' (twin of plasticityPrePass in src/engine/cpu/plasticity.ts): for each spiker
// in a plastic projection's presynaptic population, the onPre term on its outgoing row, with traces
// from before this step. Each synapse has one presynaptic neuron, so no two workgroups write the same
// weight and float updates stay race-free and ordered.

fn plasticity_pre_spiker(g: u32, lid: u32, step: u32) {
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    let k = g - pj.preOffset;
    if (pj.plastic == 0u || pj.preIsInput != 0u || k >= pj.preSize || i32(step) < pj.startStep) {
      continue;
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
}
