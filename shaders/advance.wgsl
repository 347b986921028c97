// The step counter: one thread closes the step. It is the only writer of ctl.step, and runs alone in
// its dispatch, so every other pass reads a step that does not change under it.

@compute @workgroup_size(1)
fn advance() {
  ctl.step = ctl.step + 1u;
  atomicStore(&ctl.nSpikes, 0u);
  atomicStore(&ctl.nEvents, 0u);
}
