// Engine faults that end a run without a result but leave it resumable from its last checkpoint.
//
// Hook for the WebGPU engine: when `GPUDevice.lost` resolves (or a submission fails because the device
// is gone), make the next advance()/recordings() call throw
//   new DeviceLostError(step, info.reason, info.message)
// where `step` is the last step known to be complete. runSimulation passes it through unchanged; the CLI
// reports it with the last checkpoint and the resume command (`plasticnet resume <out> --backend cpu`)
// and exits with status 4. Nothing is read back from a lost device: the checkpoint is the recovery point,
// so long GPU runs should checkpoint (Engine.snapshot) periodically.

/** A failure of the engine or its device (not of the model): the run stops; resume from a checkpoint. */
export class EngineFaultError extends Error {
  constructor(
    readonly kind: 'device-lost' | 'device-error',
    readonly step: number,
    message: string,
  ) {
    super(message);
    this.name = 'EngineFaultError';
  }
}

/** The WebGPU device was lost mid-run (driver reset, GPU removed, timeout, out of memory). */
export class DeviceLostError extends EngineFaultError {
  constructor(
    step: number,
    readonly reason: string, // GPUDeviceLostReason ('destroyed' | 'unknown')
    detail: string,
  ) {
    super('device-lost', step, `WebGPU device lost at step ${step} (reason: ${reason}${detail ? `: ${detail}` : ''})`);
    this.name = 'DeviceLostError';
  }
}
