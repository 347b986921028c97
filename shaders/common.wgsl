// common.wgsl: shared header, prepended (with rng.wgsl) to every pass by
// src/engine/webgpu/shaderSource.ts. Keep it to constants and tiny helpers used by several passes.

// WORKGROUP_SIZE (threads per workgroup for 1-D passes; dispatch ceil(n / WORKGROUP_SIZE) workgroups,
// split over x and y when that exceeds maxComputeWorkgroupsPerDimension) is generated from layout.ts
// (shaderSource.ts, sharedConstantsWgsl), as are FIXED_SCALE and the Philox stream ids STREAM_*.

const U32_MAX: u32 = 0xffffffffu;

// Linear thread index of a 1-D pass dispatched as (x, y, 1) workgroups of WORKGROUP_SIZE threads.
fn linear_index(gid: vec3<u32>, num_workgroups: vec3<u32>) -> u32 {
  return gid.x + gid.y * (num_workgroups.x * WORKGROUP_SIZE);
}
