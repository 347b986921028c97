// Pass 'record', dispatched at the last step of each recording bin (after trace_update): writes bin
// slot ((step + 1) / binSteps - 1) % binCap of `bins`: per-workgroup sums of the plastic weights (blocks
// of WORKGROUP_SIZE * REDUCE_ITEMS, summed in f64 on the host), the sampled weights, and the sampled
// neurons' current sums of the bin (then reset). A plastic weight outside its range (or non-finite) is a
// state fault: flagged with its lowest index, raised on the host as the CPU engine does.

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

// Block b of the record of the bin ending at `step` (all of a workgroup's threads call it, uniformly:
// it has barriers). Thread lid < WORKGROUP_SIZE takes part; wider workgroups (the resident kernel) pass
// their other threads through the barriers only, so each block sum is the same tree as in record_bin.
// nBlocks = P.nBlocks, handed in by the caller as a uniform value (the batch kernel reads P per network,
// which the uniformity analysis cannot prove uniform, so it loads it with workgroupUniformLoad).
fn record_block(b: u32, nBlocks: u32, lid: u32, step: u32) {
  let slot = ((step + 1u) / P.binSteps - 1u) % P.binCap;
  let base = slot * P.binStride;
  let on = lid < WORKGROUP_SIZE;
  if (b < nBlocks) {
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
    if (on) {
      for (var y = start + lid; y < end; y += WORKGROUP_SIZE) {
        let w = weight_at(y);
        s = s + w;
        if (!is_finite(w) || w < lo || w > hi) {
          flag_fault_w(y, step); // the 'check' of the weights at the end of a bin
        }
      }
      partial[lid] = s;
    }
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
    workgroupBarrier(); // partial is reused by the next block
    return;
  }
  if (!on) {
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

// Blocks: P.nBlocks weight-sum blocks, then ceil(max(nSlots * nChannels, nWSamples) / WORKGROUP_SIZE).
fn record_blocks() -> u32 {
  return P.nBlocks + (max(P.nSlots * P.nChannels, P.nWSamples) + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
}

// P.nBlocks for record_block, loaded uniformly (in the batch module, which holds this entry point too,
// P is read per network, which the uniformity analysis cannot see as uniform).
var<workgroup> rec_nblocks: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn record_bin(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    rec_nblocks = P.nBlocks;
  }
  record_block(wid.x + wid.y * nwg.x, workgroupUniformLoad(&rec_nblocks), lid, current_step());
}
