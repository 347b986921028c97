// acc_global.wgsl: the input accumulators in the `acc` storage binding (every pass but the resident
// kernel's workgroup-memory variant, acc_workgroup.wgsl, which defines the same functions).

// atomicAdd on accumulator `index`; returns the old value.
fn acc_fetch_add(index: u32, inc: i32) -> i32 {
  return atomicAdd(&acc[index], inc);
}

// Reads accumulator `index` and empties it (a store only when it held something).
fn acc_take(index: u32) -> i32 {
  let a = atomicLoad(&acc[index]);
  if (a != 0) {
    atomicStore(&acc[index], 0);
  }
  return a;
}

// The resident kernel's entry and exit copies: nothing to do when the accumulators stay in `acc`.
fn acc_enter(lid: u32, threads: u32) {}

fn acc_leave(lid: u32, threads: u32) {}
