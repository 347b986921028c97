// Pass 'synapse_propagate' (twin of src/engine/cpu/synapsePropagate.ts): event-driven delivery. Each
// workgroup takes spikers s = workgroup, workgroup + num_workgroups, ... and its threads walk the
// spiker's outgoing rows, adding the fixed-point increment of each synapse (static: q; plastic:
// round(w/tau * 2^20) with this step's weight, before plasticity) to its target's accumulator.

@compute @workgroup_size(ROW_THREADS)
fn synapse_propagate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = atomicLoad(&ctl.nSpikes);
  for (var s = wid.x; s < n; s += nwg.x) {
    let g = ctl.list[P.spikeOff + s];
    for (var j = 0u; j < P.nProj; j++) {
      let pj = P.projs[j];
      let k = g - pj.preOffset; // wraps for g below the range
      if (pj.preIsInput != 0u || k >= pj.preSize) {
        continue;
      }
      let base = pj.channel * P.N;
      let end = graph[pj.rowOff + k + 1u];
      if (pj.plastic != 0u) {
        for (var y = graph[pj.rowOff + k] + lid; y < end; y += ROW_THREADS) {
          let at = base + graph[P.postOff + y];
          acc_add(at, fixed_increment(weight[pj.wOff + y - pj.synOff], pj.invTau, at));
        }
      } else {
        for (var y = graph[pj.rowOff + k] + lid; y < end; y += ROW_THREADS) {
          acc_add(base + graph[P.postOff + y], pj.q);
        }
      }
    }
  }
}
