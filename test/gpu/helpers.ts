// Shared plumbing for the vitest GPU tests (Node + Dawn; SwiftShader on CPU-only machines).
// No adapter is a failure, never a skip: `npm test` runs scripts/test-env.mjs first, which installs
// what is missing (as root) or prints the command. Destroy the device in afterAll with
// releaseDevice() so the worker exits.
import { afterAll, beforeAll } from 'vitest';
import { acquireDevice, releaseDevice, type AcquiredDevice, type AdapterSummary } from '../../src/engine/webgpu/device.ts';

export { releaseDevice } from '../../src/engine/webgpu/device.ts';

/** The device of a describe block: acquired in its beforeAll, released in its afterAll. */
export interface TestDevice {
  device: GPUDevice;
  info: AdapterSummary;
}

/**
 * Registers beforeAll/afterAll hooks in the calling describe block that acquire the test device and
 * release it; read dev.device and dev.info inside the tests. After-hooks run in reverse order, so a
 * block's own afterAll (disposing engines) runs before the device is released.
 */
export function useTestDevice(): TestDevice {
  const dev = {} as TestDevice;
  beforeAll(async () => {
    const a = await getTestDevice();
    dev.device = a.device;
    dev.info = a.adapterInfo;
  });
  afterAll(() => {
    if (dev.device) releaseDevice(dev.device);
  });
  return dev;
}

/** A device for GPU tests; software adapters allowed. Throws (with the install hint) when none. */
export async function getTestDevice(): Promise<AcquiredDevice> {
  try {
    return await acquireDevice({ allowSoftware: true });
  } catch (e) {
    const ci = process.env.CI === 'true' ? ' (CI=true: a missing adapter is a failure)' : '';
    throw new Error(
      `GPU tests need a WebGPU adapter${ci}. Run \`node scripts/test-env.mjs\` (installs Debian's ` +
        `chromium for SwiftShader and libvulkan1 as root, or prints \`sudo apt-get install chromium ` +
        `libvulkan1\`).\n${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

/**
 * Run fn inside 'validation' and 'out-of-memory' error scopes and throw if either caught an error
 * (WebGPU reports them asynchronously, so without this a bad pipeline or binding passes silently).
 */
export async function withErrorScopes<T>(device: GPUDevice, fn: () => T | Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown;
  let failed = false;
  try {
    result = await fn();
  } catch (e) {
    thrown = e;
    failed = true;
  }
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (failed) throw thrown;
  if (validation !== null) throw new Error(`WebGPU validation error: ${validation.message}`);
  if (oom !== null) throw new Error(`WebGPU out-of-memory error: ${oom.message}`);
  return result as T;
}

/** A shader module, failing with the compiler's messages (line:col) when WGSL does not compile. */
export async function compileShader(device: GPUDevice, code: string, label: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = code.split('\n');
    const text = errors
      .map((m) => `${label}:${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`)
      .join('\n');
    throw new Error(`WGSL compilation failed:\n${text}`);
  }
  return module;
}

/** A storage buffer (plus COPY_SRC/COPY_DST) initialised with data. */
export function bufferWithData(
  device: GPUDevice,
  data: ArrayBufferView,
  label: string,
  usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
): GPUBuffer {
  const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
  const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** Copy size bytes (a multiple of 4) of buffer, from offset, back to the host. */
export async function readBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  size: number,
  offset = 0,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    label: `readBuffer(${buffer.label})`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder({ label: 'readBuffer' });
    encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}
