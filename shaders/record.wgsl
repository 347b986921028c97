// Pass 'record', dispatched at the last step of each recording bin (after trace_update): writes bin
// slot ((step + 1) / binSteps - 1) % binCap of `bins`: per-workgroup sums of the plastic weights (blocks
// of WORKGROUP_SIZE * REDUCE_ITEMS, summed in f64 on the host), the sampled weights, and the sampled
// neurons' current sums of the bin (then reset). A plastic weight outside its range (or non-finite) is a
// state fault: flagged with its lowest index, raised on the host as the CPU engine does.

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn record_bin(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let step = current_step();
  let slot = ((step + 1u) / P.binSteps - 1u) % P.binCap;
  let base = slot * P.binStride;
  let b = wid.x + wid.y * nwg.x;
  if (b < P.nBlocks) {
    var j = 0u;
    while (j + 1u < P.nProj && (P.projs[j].plastic == 0u || b >= P.projs[j].blockOff + P.projs[j].nBlocks)) {
      j++;
    }
    let pj = &P.projs[j];
    let start = pj.wOff + (b - pj.blockOff) * WORKGROUP_SIZE * REDUCE_ITEMS;
    let end = min(start + WORKGROUP_SIZE * REDUCE_ITEMS, pj.wOff + pj.nnz);
    let lo = pj.wLo;
    let hi = pj.wHi;
    var s = 0.0;
    for (var y = start + lid; y < end; y += WORKGROUP_SIZE) {
      let w = weight_at(y);
      s = s + w;
      if (!is_finite(w) || w < lo || w > hi) {
        flag_fault_w(y, step); // the 'check' of the weights at the end of a bin
      }
    }
    partial[lid] = s;
    workgroupBarrier();
    for (var h = WORKGROUP_SIZE / 2u; h > 0u; h = h / 2u) {
      if (lid < h) {
        partial[lid] = partial[lid] + partial[lid + h];
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      bins[base + P.binPartOff + b] = partial[0];
    }
    return;
  }
  let t = (b - P.nBlocks) * WORKGROUP_SIZE + lid;
  if (t < P.nSlots * P.nChannels) {
    bins[base + P.binCurOff + t] = fstate[P.curAccOff + t];
    fstate[P.curAccOff + t] = 0.0;
  }
  if (t < P.nWSamples) {
    bins[base + P.binSampOff + t] = weight_at(graph_at(P.wsOff + t));
  }
}
