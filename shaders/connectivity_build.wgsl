// connectivity_build.wgsl: builds one 'bernoulli-counter' projection on the device, bit-identical to
// counterRows() and columnIndex() in src/network (test/gpu/connectivityBuild.test.ts checks it).
// Host: src/engine/webgpu/ConnectivityBuild.ts. Compiled with the shared constants, common.wgsl and
// rng.wgsl in front (shaderSource.ts, withPrelude); not part of the step kernels.
//
// Order of dispatches for one projection:
//   row_count   (thread per row k)  rows[k] = length of row k
//   scan_*      (group 1 on rows)   rows = exclusive prefix sum, rows[nPre] = nnz; the host reads nnz
//   row_fill    (thread per row)    post[rows[k] - postBase ..] = postOffset + j, ascending j, rows
//                                   [rowLo, rowHi) (chunked targets: one dispatch per chunk of rows)
//   col_count   (thread per row)    colPtr[j] += 1 for each synapse onto local post j (atomic)
//   scan_*      (group 1 on colPtr) colPtr = exclusive prefix sum; the host copies it into colFill
//   col_fill    (thread per row)    colSyn[colFill[j]++] = s, colPre[...] = k (atomic order)
//   col_sort    (thread per column) heapsort of each column by synapse id: the CPU's order (ascending
//                                   s, hence ascending k), whatever order the atomics took
//   weight_fill (thread per synapse) weight[s] = J
//   shift_out   (thread per element) optional: rows += rowShift, colPtr and colSyn += colShift, colPre +=
//                                   preShift, the engine's global ids (src/engine/webgpu/deviceGraph.ts)
//
// Chunked column index (a plastic projection past one binding; no whole post, colSyn or colPre buffer):
//   col_count_walk (thread per row)  colPtr[j] += 1 per target j, the row regenerated (row_walk), no post read
//   scan_*, colPtr -> colFill        as above; the host reads colPtr and cuts the columns into chunks
//   col_fill_walk  (thread per row)  per chunk of columns [colLo, colHi): the rows regenerated, each target j
//                                    in the chunk takes slot colFill[j]++ - colBase of the chunk's colSyn
//                                    (= s + colShift) and colPre (= k + preShift): the engine's ids
//   col_sort       (thread per column of the chunk) as above, entries at colPtr[j] - colBase
//
// Packed presynaptic indices (the engine's split column index, pre16; src/engine/webgpu/plan.ts packPre16):
//   col_pack       (thread per output word) packOut[i] = word colBase / 2 + i of the projection's packed colPre:
//                                    entries 2 w and 2 w + 1 (local pre, 16 bits each, low half first); an entry
//                                    before colBase (a chunk starting mid-word) is packCarry[0], the previous
//                                    chunk's last, and one past colBase + packN reads 0. Own bind group layout.

struct BuildParams {
  nPre: u32,
  nPost: u32,
  postOffset: u32, // first global index of the postsynaptic population
  proj: u32, // projection index (Philox counter word 2)
  seed: u32, // Philox key word 0
  mode: u32, // 0: p = 0 (no synapse), 1: 0 < p < 1 (skip table), 2: p = 1 (every pair)
  tableLen: u32, // L: survival thresholds in `table`
  nnz: u32, // synapses (weight_fill; known after the row scan)
  J: f32, // initial weight
  rowShift: u32, // shift_out: added to rows (the projection's first global synapse id)
  colShift: u32, // shift_out: added to colPtr and colSyn (its first weight index)
  preShift: u32, // shift_out: added to colPre (its first global presynaptic neuron)
  rowLo: u32, // row_fill: rows [rowLo, rowHi) (a chunk of the targets; 0, nPre for all)
  rowHi: u32,
  postBase: u32, // row_fill: synapse id of post[0] (the chunk's first synapse; 0 for all)
  colLo: u32, // col_fill_walk, col_sort: columns [colLo, colHi) (0, nPost for all)
  colHi: u32,
  colBase: u32, // col_fill_walk, col_sort: column entry id of colSyn[0] and colPre[0] (0 for all)
  packN: u32, // col_pack: entries of colPre (from column entry colBase)
  pad1: u32,
}

struct ScanParams {
  n: u32, // elements scanned (the last one holds the total afterwards)
  nBlocks: u32, // ceil(n / SCAN_BLOCK)
}

const SCAN_BLOCK: u32 = 256u;

@group(0) @binding(0) var<uniform> B: BuildParams;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read_write> rows: array<u32>;
@group(0) @binding(3) var<storage, read_write> post: array<u32>;
@group(0) @binding(4) var<storage, read_write> colPtr: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> colFill: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read_write> colSyn: array<u32>;
@group(0) @binding(7) var<storage, read_write> colPre: array<u32>;
@group(0) @binding(8) var<storage, read_write> weightOut: array<f32>; // the engine binds the slice of its weight chunk this projection fills
@group(0) @binding(9) var<storage, read_write> packOut: array<u32>; // col_pack only
@group(0) @binding(10) var<storage, read_write> packCarry: array<u32>; // col_pack only: the previous chunk's last colPre

@group(1) @binding(0) var<uniform> S: ScanParams;
@group(1) @binding(1) var<storage, read_write> scanBuf: array<u32>;
@group(1) @binding(2) var<storage, read_write> blocks: array<u32>;

var<workgroup> tile: array<u32, SCAN_BLOCK>;
var<workgroup> carry: u32;

// Number of thresholds above w (the table is non-increasing): skipOf() in src/network/counterRows.ts.
fn skip_of(w: u32) -> u32 {
  var lo = 0u;
  var hi = B.tableLen;
  loop {
    if (lo >= hi) {
      break;
    }
    let mid = (lo + hi) >> 1u;
    if (w < table[mid]) {
      lo = mid + 1u;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// What row_walk does with each target: nothing (count), write post, count its column, fill its column.
const WALK_COUNT: u32 = 0u;
const WALK_POST: u32 = 1u;
const WALK_COL_COUNT: u32 = 2u;
const WALK_COL_FILL: u32 = 3u;

// Target n of row k is local post index j; start: post[start] is the row's first target (WALK_POST), or the
// row's first local synapse id (WALK_COL_FILL).
fn walk_emit(act: u32, k: u32, start: u32, n: u32, j: u32) {
  if (act == WALK_POST) {
    post[start + n] = B.postOffset + j;
  } else if (act == WALK_COL_COUNT) {
    atomicAdd(&colPtr[j], 1u);
  } else if (act == WALK_COL_FILL) {
    if (j >= B.colLo && j < B.colHi) {
      let at = atomicAdd(&colFill[j], 1u) - B.colBase;
      colSyn[at] = start + n + B.colShift;
      colPre[at] = k + B.preShift;
    }
  }
}

// Row k: hands each target to walk_emit (act), returns its length. counterRow() twin:
// word w of the row is word w & 3 of philox(counter (w >> 2, k, proj, 0), key (seed, stream)).
fn row_walk(k: u32, act: u32, start: u32) -> u32 {
  if (B.mode == 0u) {
    return 0u;
  }
  if (B.mode == 2u) {
    if (act != WALK_COUNT) {
      for (var j = 0u; j < B.nPost; j++) {
        walk_emit(act, k, start, j, j);
      }
    }
    return B.nPost;
  }
  let key = vec2<u32>(B.seed, STREAM_CONNECTIVITY_COUNTER);
  var words = vec4<u32>(0u);
  var wi = 0u;
  var n = 0u;
  var pos = 0u; // the smallest index the next target may take (j + 1)
  loop {
    var next = pos;
    loop {
      if ((wi & 3u) == 0u) {
        words = philox4x32(vec4<u32>(wi >> 2u, k, B.proj, 0u), key);
      }
      let c = skip_of(words[wi & 3u]);
      wi++;
      next += c;
      if (c < B.tableLen || next >= B.nPost) {
        break;
      }
    }
    if (next >= B.nPost) {
      break;
    }
    if (act != WALK_COUNT) {
      walk_emit(act, k, start, n, next);
    }
    n++;
    pos = next + 1u;
  }
  return n;
}

fn flat_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, size: u32) -> u32 {
  return (wid.x + wid.y * nwg.x) * size + lid;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn row_count(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (k < B.nPre) {
    rows[k] = row_walk(k, WALK_COUNT, 0u);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn row_fill(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = B.rowLo + flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (k < B.rowHi) {
    _ = row_walk(k, WALK_POST, rows[k] - B.postBase);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col_count(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (k < B.nPre) {
    for (var s = rows[k]; s < rows[k + 1u]; s++) {
      atomicAdd(&colPtr[post[s] - B.postOffset], 1u);
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col_fill(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (k < B.nPre) {
    for (var s = rows[k]; s < rows[k + 1u]; s++) {
      let at = atomicAdd(&colFill[post[s] - B.postOffset], 1u);
      colSyn[at] = s;
      colPre[at] = k;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col_count_walk(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (k < B.nPre) {
    _ = row_walk(k, WALK_COL_COUNT, 0u);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col_fill_walk(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (k < B.nPre) {
    _ = row_walk(k, WALK_COL_FILL, rows[k]);
  }
}

// Heapsort of column j's entries [lo, lo + n) by colSyn (distinct synapse ids), moving colPre along.
fn sift_down(lo: u32, root0: u32, n: u32) {
  var root = root0;
  loop {
    var child = 2u * root + 1u;
    if (child >= n) {
      break;
    }
    if (child + 1u < n && colSyn[lo + child + 1u] > colSyn[lo + child]) {
      child += 1u;
    }
    if (colSyn[lo + root] >= colSyn[lo + child]) {
      break;
    }
    let s = colSyn[lo + root];
    colSyn[lo + root] = colSyn[lo + child];
    colSyn[lo + child] = s;
    let k = colPre[lo + root];
    colPre[lo + root] = colPre[lo + child];
    colPre[lo + child] = k;
    root = child;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col_sort(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = B.colLo + flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (j >= B.colHi) {
    return;
  }
  let lo = atomicLoad(&colPtr[j]) - B.colBase;
  let n = atomicLoad(&colPtr[j + 1u]) - atomicLoad(&colPtr[j]);
  if (n < 2u) {
    return;
  }
  for (var i = n / 2u; i > 0u; i--) {
    sift_down(lo, i - 1u, n);
  }
  for (var end = n - 1u; end > 0u; end--) {
    let s = colSyn[lo];
    colSyn[lo] = colSyn[lo + end];
    colSyn[lo + end] = s;
    let k = colPre[lo];
    colPre[lo] = colPre[lo + end];
    colPre[lo + end] = k;
    sift_down(lo, 0u, end);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn col_pack(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  let end = B.colBase + B.packN; // one past the last entry
  let w = (B.colBase >> 1u) + i;
  if (B.packN == 0u || 2u * w >= end) {
    return;
  }
  var lo = 0u;
  if (2u * w < B.colBase) {
    lo = packCarry[0];
  } else {
    lo = colPre[2u * w - B.colBase];
  }
  var hi = 0u;
  if (2u * w + 1u < end) {
    hi = colPre[2u * w + 1u - B.colBase];
  }
  packOut[i] = (lo & 0xffffu) | (hi << 16u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn weight_fill(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let s = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (s < B.nnz) {
    weightOut[s] = B.J;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn shift_out(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, WORKGROUP_SIZE);
  if (i <= B.nPre) {
    rows[i] += B.rowShift;
  }
  // Without a column index colPtr, colSyn and colPre are placeholders shorter than nPost and nnz.
  if (i <= B.nPost && i < arrayLength(&colPtr)) {
    atomicAdd(&colPtr[i], B.colShift);
  }
  if (i < B.nnz && i < arrayLength(&colSyn)) {
    colSyn[i] += B.colShift;
    colPre[i] += B.preShift;
  }
}

// Exclusive scan of tile[] in place (all SCAN_BLOCK threads call it); returns the tile's total.
fn scan_tile(lid: u32) -> u32 {
  // Hillis-Steele inclusive scan, then shift to exclusive.
  let own = tile[lid];
  for (var d = 1u; d < SCAN_BLOCK; d <<= 1u) {
    workgroupBarrier();
    var add = 0u;
    if (lid >= d) {
      add = tile[lid - d];
    }
    workgroupBarrier();
    tile[lid] += add;
  }
  workgroupBarrier();
  let total = tile[SCAN_BLOCK - 1u];
  let excl = tile[lid] - own;
  workgroupBarrier();
  tile[lid] = excl;
  workgroupBarrier();
  return total;
}

// Level 1: each block of SCAN_BLOCK elements scanned exclusively in place, its total in blocks[b].
@compute @workgroup_size(SCAN_BLOCK)
fn scan_local(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x + wid.y * nwg.x;
  let i = b * SCAN_BLOCK + lid;
  var x = 0u;
  if (i < S.n) {
    x = scanBuf[i];
  }
  tile[lid] = x;
  let total = scan_tile(lid);
  if (i < S.n) {
    scanBuf[i] = tile[lid];
  }
  if (lid == 0u && b < S.nBlocks) {
    blocks[b] = total;
  }
}

// Level 2: one workgroup scans the block totals exclusively, tile after tile with a running carry.
@compute @workgroup_size(SCAN_BLOCK)
fn scan_blocks(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    carry = 0u;
  }
  for (var base = 0u; base < S.nBlocks; base += SCAN_BLOCK) {
    let i = base + lid;
    var x = 0u;
    if (i < S.nBlocks) {
      x = blocks[i];
    }
    tile[lid] = x;
    let total = scan_tile(lid);
    let c = carry;
    if (i < S.nBlocks) {
      blocks[i] = tile[lid] + c;
    }
    workgroupBarrier();
    if (lid == 0u) {
      carry = c + total;
    }
    workgroupBarrier();
  }
}

// Level 3: every element adds its block's offset.
@compute @workgroup_size(SCAN_BLOCK)
fn scan_add(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x + wid.y * nwg.x;
  let i = b * SCAN_BLOCK + lid;
  if (i < S.n) {
    scanBuf[i] += blocks[b];
  }
}
