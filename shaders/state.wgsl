// state.wgsl: helpers over the shared state (bindings and structs are generated from
// src/engine/webgpu/layout.ts and come first). Prepended to every engine pass after common + rng.
// `graph` and `weight` may span several bindings (chunks): passes reach them only through the generated
// graph_at(i), weight_at(i) and weight_set(i, v), never by name (their bindings are graph_0, graph_1, ...).

// Fixed-point scale of the input accumulators: FIXED_SCALE = 2^20 and FIXED_INV_SCALE, generated from
// src/model/derive.ts (shaderSource.ts, sharedConstantsWgsl).
const I32_LIMIT: f32 = 2147483648.0;

// Threads per workgroup of the per-spiker passes (a workgroup walks one row or column at a time).
override ROW_THREADS: u32 = 64u;

// Threads per workgroup of the per-neuron passes (and per-child input generation).
override NEURON_THREADS: u32 = 64u;

// Linear index of a per-neuron thread in a (x, y) grid of NEURON_THREADS-wide workgroups.
fn neuron_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * (nwg.x * NEURON_THREADS);
}

// Which step slot and spike list this pipeline reads: the fused schedule alternates two pipelines per
// pass by the parity of the step, so the step counter is advanced without a pass of its own (the
// neuron pass of step t writes slot 1 - p while every other invocation reads slot p).
override PARITY: u32 = 0u;

fn current_step() -> u32 {
  return ctl.steps[PARITY];
}

// This step's spike list (list PARITY).
fn spike_count() -> u32 {
  return atomicLoad(&ctl.nSpikes[PARITY]);
}

fn spike_at(s: u32) -> u32 {
  return ctl.list[P.spikeOff + PARITY * P.N + s];
}

// The 'check' of SCHEDULE on the GPU: once a guard fired (the host raises it when it reads the
// submission back), every later pass returns at once, so a run that has failed costs nothing more.
fn halted() -> bool {
  return atomicLoad(&ctl.halt) != 0u;
}

// Neither infinite nor NaN (by the bits: WGSL lets implementations assume no NaN in comparisons).
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// State faults checked at the last step of each bin (the CPU engine's checkStateAtBinEnd).
fn flag_fault_v(i: u32, v: f32, step: u32) {
  atomicMin(&ctl.faultStep, step);
  let prev = atomicMin(&ctl.vBad, i);
  if (i < prev) {
    atomicStore(&ctl.vBadBits, bitcast<u32>(v));
  }
  atomicStore(&ctl.halt, 1u);
}

fn flag_fault_w(wi: u32, step: u32) {
  atomicMin(&ctl.faultStep, step);
  atomicMin(&ctl.wBad, wi);
  atomicStore(&ctl.halt, 1u);
}

// Records the first step (and one accumulator) where a fixed-point value left the i32 range.
fn flag_overflow(index: u32, step: u32) {
  let prev = atomicMin(&ctl.ovfStep, step);
  if (step < prev) {
    atomicStore(&ctl.ovfIndex, index);
  }
  atomicStore(&ctl.halt, 1u);
}

// The accumulators are reached only through acc_fetch_add and acc_take, defined by acc_global.wgsl (the
// `acc` binding: every pass) or acc_workgroup.wgsl (workgroup memory: the resident kernel, resident.wgsl).

// acc[index] += inc for the input of `step`. Integer addition is associative, so the sum does not
// depend on the order of the atomics; a partial sum that wraps is flagged (channels of one sign
// overflow in every order alike).
fn acc_add(index: u32, inc: i32, step: u32) {
  let old = acc_fetch_add(index, inc);
  let sum = old + inc;
  if ((inc > 0 && sum < old) || (inc < 0 && sum > old)) {
    flag_overflow(index, step);
  }
}

// Number of the tableLen survival thresholds at graph offset off above w (non-increasing): skipOf() in
// src/network/counterRows.ts, skip_of() in connectivity_build.wgsl.
fn procedural_skip(off: u32, len: u32, w: u32) -> u32 {
  var lo = 0u;
  var hi = len;
  loop {
    if (lo >= hi) {
      break;
    }
    let mid = (lo + hi) >> 1u;
    if (w < graph_at(off + mid)) {
      lo = mid + 1u;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Row k of procedural projection j (storage 'procedural'): the walk of row_walk() in connectivity_build.wgsl and
// counterRow() on the CPU (word w: word w & 3 of Philox counter (w >> 2, k, j, 0), key (seed,
// STREAM_CONNECTIVITY_COUNTER)), so the targets and their order are the stored CSR's; acc_add(at0 + target, q)
// for each local target. Called by one thread per row (the draws are sequential): procedural_row()
// (synapse_propagate.wgsl) for a spiking population neuron, deliver_source() (input.wgsl) for an input spike.
fn procedural_walk(j: u32, k: u32, at0: u32, q: i32, step: u32) {
  let pj = &P.projs[j];
  let mode = pj.procedural;
  if (mode == 3u) {
    return;
  }
  let nPost = pj.postSize;
  if (mode == 2u) {
    for (var i = 0u; i < nPost; i++) {
      acc_add(at0 + i, q, step);
    }
    return;
  }
  let key = vec2<u32>(P.seed, STREAM_CONNECTIVITY_COUNTER);
  let L = pj.tableLen;
  let off = pj.rowOff;
  var words = vec4<u32>(0u);
  var wi = 0u;
  var pos = 0u; // the smallest index the next target may take
  loop {
    var next = pos;
    loop {
      if ((wi & 3u) == 0u) {
        words = philox4x32(vec4<u32>(wi >> 2u, k, j, 0u), key);
      }
      let c = procedural_skip(off, L, words[wi & 3u]);
      wi++;
      next += c;
      if (c < L || next >= nPost) {
        break;
      }
    }
    if (next >= nPost) {
      break;
    }
    acc_add(at0 + next, q, step);
    pos = next + 1u;
  }
}

// round(f32(w * kick) * 2^20) as i32: fixedIncrement() in src/engine/cpu/fixed.ts (WGSL round()
// is half-to-even, as roundHalfEven). Scaling by 2^20 is exact, so reassociation cannot change it.
fn fixed_increment(w: f32, kick: f32, index: u32, step: u32) -> i32 {
  let x = round((w * kick) * FIXED_SCALE);
  if (abs(x) >= I32_LIMIT) {
    flag_overflow(index, step);
    return select(-2147483647, 2147483647, x > 0.0);
  }
  return i32(x);
}

// Neuron i's population (populations tile [0, N) in order).
fn pop_of(i: u32) -> u32 {
  var p = 0u;
  while (p + 1u < P.nPops && i >= P.pops[p + 1u].offset) {
    p++;
  }
  return p;
}

// One event term of projection j's rule on weight w (applyTerm in src/engine/cpu/plasticity.ts):
// gate or clip by the bounds; dJ = eta * f(J) * (a + bPre x_pre + bPost x_post).
fn apply_term(j: u32, t: Term, w: f32, x_pre: f32, x_post: f32) -> f32 {
  let pj = &P.projs[j];
  if (pj.gate != 0u && !(w > pj.jMin && w < pj.jMax)) {
    return w;
  }
  let drive = (t.a + t.bPre * x_pre) + t.bPost * x_post;
  var fw = 1.0;
  if (t.dep == 1u) {
    fw = w * t.invJRef;
  }
  var wn = w + (t.eta * fw) * drive;
  if (pj.bounded != 0u && pj.gate == 0u) {
    wn = select(select(wn, pj.jMax, wn > pj.jMax), pj.jMin, wn < pj.jMin);
  }
  return wn;
}

// Spike history of delayed spike-driven plasticity (the axonal-delay convention, docs/trials-delays.md; twin of
// src/engine/cpu/spikeHistory.ts): step s's spike list in slot s % H of ctl.list at P.histOff (H counts, then H
// lists of N), and one bit per neuron and slot in istate (the lagged trace groups of trace_update.wgsl). H > every
// arrival lag, so the slot a step writes is never one that step reads.

// Entries first, first + stride, ... of this step's spike list into the history; first == 0 writes the count.
// Any order of the entries: their readers accumulate integers or update disjoint rows.
fn hist_record(first: u32, stride: u32, step: u32) {
  if (P.histSlots == 0u) {
    return;
  }
  let n = spike_count();
  let slot = step % P.histSlots;
  let base = P.histOff + P.histSlots + slot * P.N;
  for (var s = first; s < n; s += stride) {
    ctl.list[base + s] = spike_at(s);
  }
  if (first == 0u) {
    ctl.list[P.histOff + slot] = n;
  }
}

// Spikers of step `step - lag` (1 <= lag < H): their count (0 before step lag) and entry s.
fn hist_count(step: u32, lag: u32) -> u32 {
  if (step < lag) {
    return 0u;
  }
  return ctl.list[P.histOff + (step - lag) % P.histSlots];
}

fn hist_at(step: u32, lag: u32, s: u32) -> u32 {
  return ctl.list[P.histOff + P.histSlots + ((step - lag) % P.histSlots) * P.N + s];
}

// Neuron i's bit of step `step - lag` (false before step lag); hist_bit_set writes the bit of `step` (only
// neuron i's own thread touches its words).
fn hist_bit(i: u32, step: u32, lag: u32) -> bool {
  if (step < lag) {
    return false;
  }
  let slot = (step - lag) % P.histSlots;
  return ((bitcast<u32>(istate[P.histBitsOff + i * P.histWords + slot / 32u]) >> (slot % 32u)) & 1u) != 0u;
}

fn hist_bit_set(i: u32, step: u32, spiked: bool) {
  let slot = step % P.histSlots;
  let at = P.histBitsOff + i * P.histWords + slot / 32u;
  let m = 1u << (slot % 32u);
  let w = bitcast<u32>(istate[at]);
  istate[at] = bitcast<i32>(select(w & ~m, w | m, spiked));
}

// Per-synapse delays on a spike-driven plastic projection (twin of src/engine/cpu/heteroDelayed.ts): projection j
// walks every lag L in [delayMin - 1, arrivalLag] (DerivedProjection.arrivalLagMin..arrivalLag); at lag L only its
// synapses of delay L + 1 take part, with the pre trace group of lag L (ProjParams.lagTraces0/1, LAG_TRACE_BITS per
// lag). One delay per projection: L = arrivalLag only.
fn proj_hetero(j: u32) -> bool {
  return P.projs[j].arrivalLag != 0u && P.projs[j].delayMax != P.projs[j].delayMin;
}

// Synapse y's (global graph id) delay in steps, per-synapse delays only.
fn syn_delay(j: u32, y: u32) -> u32 {
  return graph_at(P.projs[j].delayOff + y - P.projs[j].synOff);
}

// The pre trace group of lag L of projection j (per-synapse delays, proj_hetero; else its preTrace).
fn lag_trace(j: u32, lag: u32) -> u32 {
  let pj = &P.projs[j];
  if (!proj_hetero(j)) {
    return pj.preTrace;
  }
  let per = 32u / LAG_TRACE_BITS;
  let i = lag - (pj.delayMin - 1u);
  let word = select(pj.lagTraces0, pj.lagTraces1, i >= per);
  return (word >> (LAG_TRACE_BITS * (i % per))) & ((1u << LAG_TRACE_BITS) - 1u);
}

// Spikers of step `step - lag` for lag >= 0 (lag 0: this step's list; else the history).
fn lag_count(step: u32, lag: u32) -> u32 {
  if (lag == 0u) {
    return spike_count();
  }
  return hist_count(step, lag);
}

fn lag_at(step: u32, lag: u32, s: u32) -> u32 {
  if (lag == 0u) {
    return spike_at(s);
  }
  return hist_at(step, lag, s);
}
