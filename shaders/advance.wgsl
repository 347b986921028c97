// The step counter of the pass-by-pass schedule: one thread closes the step. It runs alone in its
// dispatch, so every other pass reads a step that does not change under it. (The fused schedule
// advances the counter in its neuron pass instead; see shaders/step.wgsl.)

@compute @workgroup_size(1)
fn advance() {
  let next = ctl.steps[PARITY] + 1u;
  ctl.steps[0] = next;
  ctl.steps[1] = next;
  atomicStore(&ctl.nSpikes[PARITY], 0u);
  atomicStore(&ctl.nEvents, 0u);
}
