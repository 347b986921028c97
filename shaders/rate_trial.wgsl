// rate_trial.wgsl: end of a trial for every network (thread b): trial mean = window sum / count, cross-trial
// average avg += (mean - avg) / tauTrial (not with the online rule, whose calcium sensor lives in the same region),
// the trial rule (apply_rule: the twin of src/models/rate/rules.ts, same f32 order; rate_step.wgsl calls it every
// step for the online rule), then the reset for the next trial (window sum 0; rates 0 when resetRates; kicks off).

fn rule_block(b: u32, wOff: u32, post: u32, pre: u32, postE: bool, preE: bool, noDiag: bool, floorW: f32, errE: f32, errI: f32) {
  let postOff = popU(post, 0u);
  let postN = popU(post, 1u);
  let preOff = popU(pre, 0u);
  let preN = popU(pre, 1u);
  let alpha = select(P.alphaI, P.alphaE, postE);
  let crossErr = select(errE, errI, postE);
  let sPre = select(-1.0, 1.0, preE);
  let sCross = select(-sPre, sPre, postE);
  let setp = popF(post, 11u);
  for (var i = 0u; i < postN; i++) {
    let ownErr = setp - state[st(5u, b, postOff + i)];
    let row = b * P.nW + wOff + i * preN;
    for (var j = 0u; j < preN; j++) {
      if (noDiag && i == j) { continue; }
      let aR = alpha * state[st(5u, b, preOff + j)];
      var w = W[row + j];
      if (P.ruleCross == 1u) { w = w + sCross * (aR * crossErr); }
      if (P.ruleOwn == 1u) { w = w + sPre * (aR * ownErr); }
      // w != w: NaN
      W[row + j] = select(w, floorW, w < floorW || w != w);
    }
  }
}

fn class_error(b: u32, p: u32) -> f32 {
  let off = popU(p, 0u);
  let n = popU(p, 1u);
  let setp = popF(p, 11u);
  var s = 0.0;
  for (var k = 0u; k < n; k++) { s = s + (setp - state[st(5u, b, off + k)]); }
  return s / f32(n);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rate_trial(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = linear_index(gid, nwg);
  if (b >= P.B) { return; }
  for (var i = 0u; i < P.U; i++) {
    let mean = state[st(2u, b, i)] / f32(P.winCount);
    state[st(4u, b, i)] = mean;
    if (P.onlineOn == 0u) {
      let a = state[st(3u, b, i)];
      state[st(3u, b, i)] = a + (mean - a) / P.tauTrial;
    }
  }
  if (P.ruleOn == 1u) { apply_rule(b); }
  for (var i = 0u; i < P.U; i++) {
    state[st(2u, b, i)] = 0.0;
    if (P.resetRates == 1u) { state[st(0u, b, i)] = 0.0; }
  }
  for (var k = 0u; k < P.nKicks; k++) { state[P.kickState + b * P.nKicks + k] = 0.0; }
}

// The rule of rules.ts on network b from the averages in region 3 (rectified into region 5).
fn apply_rule(b: u32) {
  let pE = P.popE;
  let pI = P.popI;
  for (var i = 0u; i < popU(pE, 1u); i++) { state[st(5u, b, popU(pE, 0u) + i)] = max(P.rateFloor, state[st(3u, b, popU(pE, 0u) + i)]); }
  for (var i = 0u; i < popU(pI, 1u); i++) { state[st(5u, b, popU(pI, 0u) + i)] = max(P.rateFloor, state[st(3u, b, popU(pI, 0u) + i)]); }
  let errE = class_error(b, pE);
  let errI = class_error(b, pI);
  rule_block(b, P.wEE, pE, pE, true, true, P.diagEE == 1u, P.floorEE, errE, errI);
  rule_block(b, P.wEI, pE, pI, true, false, false, P.floorEI, errE, errI);
  rule_block(b, P.wIE, pI, pE, false, true, false, P.floorIE, errE, errI);
  rule_block(b, P.wII, pI, pI, false, false, P.diagII == 1u, P.floorII, errE, errI);
}
