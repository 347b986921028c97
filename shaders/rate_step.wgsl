// rate_step.wgsl: steps [P.s0, P.s1) of the current trial for every network (thread b), in the CPU reference's
// order (src/models/rate/cpu.ts): OU noise of every unit, Poisson kick onsets, then the populations in order
// ('sequential': a later population uses the updated earlier ones; within one, all units use the old values), clip,
// the online rule (Fig S4: calcium sensor, then the rule of rate_trial.wgsl), Eq 18, window sum, and the trace of
// network 0.

@compute @workgroup_size(WORKGROUP_SIZE)
fn rate_step(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = linear_index(gid, nwg);
  if (b >= P.B) { return; }
  let wBase = b * P.nW;
  let key = vec2<u32>(P.seed, P.streamNoise);
  for (var s = P.s0; s < P.s1; s++) {
    // 1. OU noise: one Philox call per unit pair, counter (step, unit >> 1, network, trial)
    var w4 = vec4<u32>(0u);
    var p = 0u;
    for (var i = 0u; i < P.U; i++) {
      if ((i & 1u) == 0u) { w4 = philox4x32(vec4<u32>(s, i >> 1u, b, P.trial), key); }
      while (i >= popU(p, 0u) + popU(p, 1u)) { p++; }
      let a = popF(p, 8u);
      let sg = popF(p, 9u);
      if (a == 0.0 && sg == 0.0) { continue; }
      var xi: f32;
      if ((i & 1u) == 0u) { xi = normal_from_words(w4.x, w4.y); } else { xi = normal_from_words(w4.z, w4.w); }
      let u = state[st(1u, b, i)];
      state[st(1u, b, i)] = (u + a * (0.0 - u)) + sg * xi;
    }
    // kicks: Philox word x of counter (step, input, network, trial) below the onset threshold, or a forced onset;
    // the kick state holds the last step of the running kick + 1 (0 = none), as f32 (exact: steps < 2^24)
    for (var k = 0u; k < P.nKicks; k++) {
      let e = P.kickStart + 7u * k;
      let word = philox4x32(vec4<u32>(s, table[e], b, P.trial), vec2<u32>(P.seed, P.streamKick)).x;
      var on = word < table[e + 2u];
      for (var q = 0u; q < table[e + 6u]; q++) { if (table[table[e + 5u] + q] == s) { on = true; } }
      if (on) { state[P.kickState + b * P.nKicks + k] = f32(s + table[e + 3u] + 1u); }
    }
    // 2. populations
    for (var q = 0u; q < P.nPops; q++) {
      let off = popU(q, 0u);
      let n = popU(q, 1u);
      let ontoStart = popU(q, 2u);
      let ontoCount = popU(q, 3u);
      var drive = popF(q, 10u);
      for (var k = 0u; k < P.nPulses; k++) {
        let e = P.pulseStart + 4u * k;
        if (table[e] == q && s >= table[e + 1u] && s <= table[e + 2u]) { drive = drive + bitcast<f32>(table[e + 3u]); }
      }
      for (var k = 0u; k < P.nKicks; k++) {
        let e = P.kickStart + 7u * k;
        if (table[e + 1u] == q && f32(s) < state[P.kickState + b * P.nKicks + k]) { drive = drive + bitcast<f32>(table[e + 4u]); }
      }
      for (var i = 0u; i < n; i++) {
        var x = 0.0;
        for (var t = 0u; t < ontoCount; t++) {
          let e = ontoStart + 4u * t;
          let nPre = table[e + 2u];
          let row = wBase + table[e] + i * nPre;
          let rb = table[e + 1u];
          var dot = 0.0;
          for (var j = 0u; j < nPre; j++) { dot = dot + W[row + j] * state[st(0u, b, rb + j)]; }
          let pos = table[e + 3u] == 2u;
          if (t == 0u) { x = select(-dot, dot, pos); } else { x = select(x - dot, x + dot, pos); }
        }
        x = (x + drive) + state[st(1u, b, off + i)];
        if (P.patOn == 1u) { x = x + bitcast<f32>(table[P.patStart + P.trial * P.U + off + i]); }
        let f = popF(q, 5u) * max(0.0, x - popF(q, 6u));
        let r0 = state[st(0u, b, off + i)];
        let r1 = r0 + (f - r0) * popF(q, 4u);
        state[st(5u, b, off + i)] = select(r1, popF(q, 7u), r1 > popF(q, 7u));
      }
      if (P.sequential == 1u) {
        for (var i = 0u; i < n; i++) { state[st(0u, b, off + i)] = state[st(5u, b, off + i)]; }
      }
    }
    if (P.sequential == 0u) {
      for (var i = 0u; i < P.U; i++) { state[st(0u, b, i)] = state[st(5u, b, i)]; }
    }
    // online rule (Fig S4): calcium sensor a += (r - a) kCa in region 3, then the rule from it (apply_rule, rate_trial.wgsl)
    if (P.onlineOn == 1u) {
      for (var i = 0u; i < P.U; i++) {
        let a = state[st(3u, b, i)];
        state[st(3u, b, i)] = a + (state[st(0u, b, i)] - a) * P.kCa;
      }
      apply_rule(b);
    }
    // Binas 2014 Eq 18 on every block from the new rates (applyContinuous in src/models/rate/rules.ts)
    if (P.contOn == 1u) {
      var wMax = P.contWMax;
      var aExc = P.aExc;
      if (P.netOn == 1u) {
        wMax = bitcast<f32>(table[P.netStart + b]);
        aExc = bitcast<f32>(table[P.netStart + P.B + b]);
      }
      for (var k = 0u; k < P.nBlocks; k++) {
        let e = P.blockStart + 7u * k;
        let pos = table[e + 5u] == 2u;
        let theta = select(P.thetaInh, P.thetaExc, pos);
        let A = select(P.aInh, aExc, pos);
        let nPre = table[e + 4u];
        for (var i = 0u; i < table[e + 2u]; i++) {
          let xPost = state[st(0u, b, table[e + 1u] + i)];
          let row = wBase + table[e] + i * nPre;
          for (var j = 0u; j < nPre; j++) {
            if (table[e + 6u] == 1u && i == j) { continue; }
            let xPre = state[st(0u, b, table[e + 3u] + j)];
            let w = W[row + j];
            let ltp = (wMax - w) * xPost;
            let ltd = w * (theta + A * xPre);
            let w1 = w + P.contK * ((xPre * xPost) * (ltp - ltd));
            W[row + j] = clamp(w1, 0.0, wMax);
          }
        }
      }
    }
    // 3. window sum and trace
    if (s >= P.winFirst) {
      for (var i = 0u; i < P.U; i++) { state[st(2u, b, i)] = state[st(2u, b, i)] + state[st(0u, b, i)]; }
    }
    if (b == 0u && P.traceOn == 1u && s % P.traceEvery == 0u) {
      for (var i = 0u; i < P.U; i++) { trace[(s / P.traceEvery) * P.U + i] = state[st(0u, b, i)]; }
    }
  }
}
