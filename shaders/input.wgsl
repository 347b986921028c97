// Pass 'input' (twin of src/engine/cpu/input.ts): the external spikes of a step reach the input
// channels' fixed-point accumulators.
// - Independent layers need no list: a delivering workgroup draws the layer's Poisson count from one
//   Philox word and the source of spike s from word s & 3 of counter (step, s >> 2), then walks its row.
// - Correlated layers go through a list: one thread per child generates the step's mother copies into
//   the child's ring column and drains the column's slot of the step into an event (child, times).
// - Rate-modulating signals (inputModulated.ts: advanceSignals) advance once per step, one thread per
//   signal channel, before neuron_update draws the Poisson source populations that read them.
// Entry points of the pass-by-pass schedule: input_signals, input_events (correlated generation),
// input_deliver (independent spikes and events); input_prime once before step 0. shaders/step.wgsl
// fuses the same functions into the fused schedule.

// Philox stream ids STREAM_*: generated from STREAM in src/rng/streams.ts (shaderSource.ts). Counters:
// STREAM_INPUT_COUNT (step, 0, input, 0); STREAM_INPUT_INDEX (step, spike >> 2, input, 0);
// STREAM_MOTHER_COUNT (step, 0, input, 0); STREAM_CHILD_COPY (step, child, input | mother << 8, 0);
// STREAM_SIGNAL (step, channel, 0, 0), word 0.

// Signal channel c at `step` (advanceSignals): u = u01(word) - 0.5 (exact), x = u - (u - x) * decay. Only
// this thread touches channel c, and nothing else reads the signals in the dispatch that advances them.
fn advance_signal_at(c: u32, step: u32) {
  if (c >= P.nSignalChannels) {
    return;
  }
  var g = 0u;
  while (g + 1u < P.nSignals && c >= P.signals[g + 1u].offset) {
    g++;
  }
  let u = u01(philox4x32(vec4<u32>(step, c, 0u, 0u), vec2<u32>(P.seed, STREAM_SIGNAL)).x) - 0.5;
  let at = P.sigOff + c;
  fstate[at] = u - (u - fstate[at]) * P.signals[g].decay;
}

// Poisson draw by inversion: the number of table thresholds <= w (PoissonTable.draw).
fn poisson_draw(off: u32, len: u32, w: u32) -> u32 {
  var k = 0u;
  while (k < len && w >= graph_at(off + k)) {
    k++;
  }
  return k;
}

// Steps after its mother's generation step at which a copy lands, in [0, 2D] (jitterDelay): Box-Muller
// (cos branch) from two words. log/cos/sqrt are within WGSL's accuracy, not bit-identical to JS: a copy
// whose z * jitterSteps + 0.5 lies that close to an integer may land one step away (see tolerances).
fn jitter_delay(x: u32, w1: u32, w2: u32) -> i32 {
  let inp = &P.inputs[x];
  let r = sqrt(-2.0 * log(u01open(w1)));
  let z = r * cos(6.2831855 * u01open(w2));
  let d = inp.delayOffset + i32(floor(z * inp.jitterSteps + 0.5));
  return clamp(d, 0, 2 * inp.delayOffset);
}

// Correlated layer x, generation step g, child k: copies of g's mother spikes into k's ring column
// (only this thread touches column k, so no atomics). Copies landing before step 0 are dropped.
fn generate_child(x: u32, k: u32, g: i32) {
  let inp = &P.inputs[x];
  // Negative generation steps (priming) belong to an always-on input; a windowed one starts at startStep.
  if ((g < inp.startStep && inp.startStep > 0) || g >= inp.stopStep) {
    return;
  }
  let gu = bitcast<u32>(g);
  let m = poisson_draw(inp.motherOff, inp.motherLen, philox4x32(vec4<u32>(gu, 0u, x, 0u), vec2<u32>(P.seed, STREAM_MOTHER_COUNT)).x);
  let L = i32(inp.ringLen);
  for (var q = 0u; q < m; q++) {
    let w = philox4x32(vec4<u32>(gu, k, x | (q << 8u), 0u), vec2<u32>(P.seed, STREAM_CHILD_COPY));
    if (w.x >= inp.copyThreshold) {
      continue;
    }
    let t = g + jitter_delay(x, w.y, w.z);
    if (t < 0) {
      continue; // would land before step 0
    }
    let at = inp.ringOff + u32(t % L) * inp.size + k;
    istate[at] = istate[at] + 1;
  }
}

// Child i of every correlated layer at `step`: generate, then drain the step's slot into an event.
fn correlated_events_at(i: u32, step: u32) {
  for (var x = 0u; x < P.nInputs; x++) {
    let inp = &P.inputs[x];
    if (inp.correlated == 0u || i >= inp.size) {
      continue;
    }
    generate_child(x, i, i32(step));
    let at = inp.ringOff + (step % inp.ringLen) * inp.size + i;
    let n = istate[at];
    if (n != 0) {
      let e = atomicAdd(&ctl.nEvents, 1u);
      ctl.list[P.eventOff + 2u * e] = i | (x << 24u);
      ctl.list[P.eventOff + 2u * e + 1u] = u32(n);
      istate[at] = 0;
    }
  }
}

// Adds times * q to the accumulator of every target of source k of input x (all its projections). A procedural
// projection (storage 'procedural') regenerates the row from its counter (procedural_walk, one thread).
fn deliver_source(x: u32, k: u32, times: i32, lid: u32, step: u32) {
  for (var j = 0u; j < P.nProj; j++) {
    let pj = &P.projs[j];
    if (pj.preIsInput == 0u || pj.preIndex != x) {
      continue;
    }
    let inc = pj.q * times;
    let base = pj.channel * P.N;
    if (pj.procedural != 0u) {
      if (lid == 0u) {
        procedural_walk(j, k, base + pj.postOffset, inc, step); // the stored row's targets, from its counter
      }
      continue;
    }
    let end = graph_at(pj.rowOff + k + 1u);
    for (var y = graph_at(pj.rowOff + k) + lid; y < end; y += ROW_THREADS) {
      acc_add(base + graph_at(P.postOff + y), inc, step);
    }
  }
}

// Workgroup w of nw: its share of the independent layers' spikes at `step`.
fn deliver_inputs_independent(w: u32, nw: u32, lid: u32, step: u32) {
  for (var x = 0u; x < P.nInputs; x++) {
    let inp = &P.inputs[x];
    if (inp.correlated != 0u || i32(step) < inp.startStep || i32(step) >= inp.stopStep) {
      continue;
    }
    let n = poisson_draw(inp.countOff, inp.countLen, philox4x32(vec4<u32>(step, 0u, x, 0u), vec2<u32>(P.seed, STREAM_INPUT_COUNT)).x);
    for (var s = w; s < n; s += nw) {
      let word = philox4x32(vec4<u32>(step, s >> 2u, x, 0u), vec2<u32>(P.seed, STREAM_INPUT_INDEX))[s & 3u];
      deliver_source(x, philox_mulhi(word, inp.size), 1, lid, step);
    }
  }
}

// Workgroup w of nw: its share of the pending correlated-input events (of `step`).
fn deliver_events(w: u32, nw: u32, lid: u32, step: u32) {
  let ne = atomicLoad(&ctl.nEvents);
  for (var e = w; e < ne; e += nw) {
    let word = ctl.list[P.eventOff + 2u * e];
    deliver_source(word >> 24u, word & 0xffffffu, i32(ctl.list[P.eventOff + 2u * e + 1u]), lid, step);
  }
}

@compute @workgroup_size(NEURON_THREADS)
fn input_signals(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (halted()) {
    return;
  }
  advance_signal_at(neuron_index(gid, nwg), current_step());
}

@compute @workgroup_size(NEURON_THREADS)
fn input_events(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (halted()) {
    return;
  }
  correlated_events_at(neuron_index(gid, nwg), current_step());
}

@compute @workgroup_size(ROW_THREADS)
fn input_deliver(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (halted()) {
    return;
  }
  let step = current_step();
  deliver_inputs_independent(wid.x, nwg.x, lid, step);
  deliver_events(wid.x, nwg.x, lid, step);
}

// Priming (primeInputs): generation steps [-2D, -1] of every correlated child, before step 0. Each
// thread owns its child's ring column, so it runs them in order by itself.
@compute @workgroup_size(NEURON_THREADS)
fn input_prime(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = neuron_index(gid, nwg);
  for (var x = 0u; x < P.nInputs; x++) {
    let inp = &P.inputs[x];
    if (inp.correlated == 0u || i >= inp.size) {
      continue;
    }
    for (var g = -2 * inp.delayOffset; g < 0; g++) {
      generate_child(x, i, g);
    }
  }
}
