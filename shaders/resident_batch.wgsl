// The batch kernel (issue 19): B independent networks of one shape, one workgroup each, in ONE dispatch of
// B workgroups; workgroup_id.x is the network. It is resident.wgsl's resident_steps run by every workgroup
// on its own network: src/engine/webgpu/batchModule.ts rewrites the module so that every access goes to
// that network's part of the packed buffers (P. -> nets[net_id].p., ctl. -> ctl.head[net_id].,
// fstate[i] -> fstate[net_base.f + i], and so on; the bases come with each network's Params in `nets`).
// Workgroups share no memory and wait on nothing of each other: no barrier between workgroups.

var<private> net_id: u32;
var<private> net_base: NetBase;

@compute @workgroup_size(RESIDENT_THREADS)
fn step_resident_batch(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  net_id = wid.x;
  net_base = nets[wid.x].base;
  resident_steps(lid);
}
