// acc_workgroup.wgsl: the input accumulators of the resident kernel (resident.wgsl) in workgroup memory,
// ACC_WORDS = nChannels * N (1 + delay ring slots) of them (the host picks this variant only when they fit the device's
// maxComputeWorkgroupStorageSize). acc_enter copies `acc` in at the start of a dispatch and acc_leave
// copies it back at the end, so between dispatches the state is in `acc` as on every other path.

override ACC_WORDS: u32 = 1u;

var<workgroup> wacc: array<atomic<i32>, ACC_WORDS>;

fn acc_fetch_add(index: u32, inc: i32) -> i32 {
  return atomicAdd(&wacc[index], inc);
}

fn acc_take(index: u32) -> i32 {
  let a = atomicLoad(&wacc[index]);
  if (a != 0) {
    atomicStore(&wacc[index], 0);
  }
  return a;
}

// Thread lid of `threads`: its share of the copies (the caller puts a barrier after each).
fn acc_enter(lid: u32, threads: u32) {
  for (var k = lid; k < ACC_WORDS; k += threads) {
    atomicStore(&wacc[k], atomicLoad(&acc[k]));
  }
}

fn acc_leave(lid: u32, threads: u32) {
  for (var k = lid; k < ACC_WORDS; k += threads) {
    atomicStore(&acc[k], atomicLoad(&wacc[k]));
  }
}
