// WebGPU device acquisition, one code path for the browser (navigator.gpu) and Node (Dawn, npm
// `webgpu`). DOM-free: the only browser global touched is a guarded `navigator.gpu`.
//
// Node specifics:
// - Dawn needs the Vulkan loader (libvulkan.so.1, Debian `libvulkan1`) and a driver it accepts.
//   When VK_ICD_FILENAMES is unset and SwiftShader's ICD from Debian's `chromium` package exists
//   (a *.json naming swiftshader in /usr/lib/chromium, see SWIFTSHADER_ICD_DIRS), acquireDevice()
//   sets VK_ICD_FILENAMES to it before create(). If the system also has Vulkan ICDs of its own
//   (/usr/share/vulkan/icd.d, …: a real GPU, Mesa >= 25 lavapipe), those are tried first and
//   SwiftShader only stands in when Dawn gets no adapter from them (Dawn rejects Mesa 22 lavapipe),
//   so a real GPU is never hidden. The Vulkan loader reads the variable when Dawn creates its
//   instance, so setting it in-process works; it also reaches child processes.
// - `globals` from `webgpu` (GPUBufferUsage, GPUMapMode, GPUShaderStage, …) are installed on
//   globalThis, so engine code can use them as in a browser.
// - Callers MUST call releaseDevice(device) when done: a live Dawn device can keep Node's event loop
//   (and a vitest worker) alive, and its memory is only freed by destroy().

/** What the engine and the benchmarks need to know about the adapter behind a device. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** CPU implementation (SwiftShader, llvmpipe/lavapipe, WARP, or a fallback adapter). */
  isSoftware: boolean;
}

/** Options of {@link acquireDevice}. */
export interface AcquireOptions {
  /** Accept a software (CPU) adapter. Default false: on such an adapter the CPU engine is faster. */
  allowSoftware?: boolean;
  powerPreference?: GPUPowerPreference;
}

/** A WebGPU device with a summary of the adapter behind it (from {@link acquireDevice}). */
export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: AdapterSummary;
}

/** Folders where Debian/Fedora/Ubuntu chromium packages put vk_swiftshader_icd.json. Keep in step
 * with ICD_DIRS in scripts/test-env.mjs. */
export const SWIFTSHADER_ICD_DIRS: readonly string[] = [
  '/usr/lib/chromium',
  '/usr/lib64/chromium',
  '/usr/lib/chromium-browser',
];

const SOFTWARE_RE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Limits worth raising above the WebGPU defaults; used if requesting every adapter limit fails. */
const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupStorageSize',
  'maxBindGroups',
  'maxUniformBufferBindingSize',
] as const;

const BROWSER_HINT =
  'WebGPU is not available in this browser. Use a recent Chrome or Edge (113 or later) with WebGPU ' +
  'enabled, and open the page from https:// or http://localhost / http://127.0.0.1 (WebGPU needs a ' +
  'secure context); headless Chromium needs --enable-unsafe-webgpu. Or run with --backend cpu.';

const NODE_HINT =
  'Dawn (npm package "webgpu") found no WebGPU adapter. On Debian/Ubuntu install SwiftShader with ' +
  '`sudo apt-get install chromium libvulkan1` (its ICD in /usr/lib/chromium is found automatically), ' +
  'or Mesa >= 25 lavapipe (`apt-get install -t bookworm-backports mesa-vulkan-drivers`), and set ' +
  'VK_ICD_FILENAMES to the driver ICD json if it is not found. `node scripts/test-env.mjs` checks ' +
  'and installs what is missing. Or run with --backend cpu.';

type WebgpuModule = typeof import('webgpu');
type NodeFs = typeof import('node:fs');
type NodeProcessLike = { env: Record<string, string | undefined>; versions?: { node?: string } };

function nodeProcess(): NodeProcessLike | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

/** Import a module Vite must not try to bundle for the browser. */
async function importNodeOnly<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

/** Path of a *.json Vulkan ICD manifest whose library is SwiftShader, or undefined. */
export async function findSwiftShaderIcd(): Promise<string | undefined> {
  if (nodeProcess() === undefined) return undefined;
  const fs = await importNodeOnly<NodeFs>('node:fs');
  for (const dir of SWIFTSHADER_ICD_DIRS) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = `${dir}/${name}`;
      try {
        if (/swiftshader/i.test(fs.readFileSync(path, 'utf8'))) return path;
      } catch {
        // unreadable: not ours
      }
    }
  }
  return undefined;
}

/** Folders the Vulkan loader searches for ICD manifests (Linux). */
const SYSTEM_ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];

/** Whether Dawn could find a driver without help: not Linux (Metal, D3D12), or any system Vulkan ICD. */
async function hasSystemVulkanDriver(): Promise<boolean> {
  const proc = (globalThis as { process?: { platform?: string } }).process;
  if (proc?.platform !== 'linux') return true;
  const fs = await importNodeOnly<NodeFs>('node:fs');
  return SYSTEM_ICD_DIRS.some((dir) => {
    try {
      return fs.readdirSync(dir).some((n) => n.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

let webgpuModule: Promise<WebgpuModule> | undefined;

async function loadDawn(): Promise<WebgpuModule> {
  webgpuModule ??= importNodeOnly<WebgpuModule>('webgpu').then((mod) => {
    // GPUBufferUsage, GPUMapMode, GPUShaderStage, … as in a browser; never overwrite existing ones.
    const g = globalThis as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod.globals as Record<string, unknown>)) {
      if (g[name] === undefined) g[name] = value;
    }
    return mod;
  });
  try {
    return await webgpuModule;
  } catch (e) {
    webgpuModule = undefined;
    throw new Error(`Cannot load the npm package "webgpu" (Dawn): ${String(e)}. Run \`npm install\`.`);
  }
}

/** Dawn's GPU object whose adapter was found; cached per process (it is Node's navigator.gpu). */
let nodeGpu: GPU | undefined;

async function requestNodeAdapter(opts: GPURequestAdapterOptions): Promise<GPUAdapter | null> {
  const proc = nodeProcess();
  if (proc === undefined) throw new Error('requestNodeAdapter outside Node');
  const dawn = await loadDawn();
  if (nodeGpu !== undefined) return nodeGpu.requestAdapter(opts);
  const icd = proc.env.VK_ICD_FILENAMES === undefined ? await findSwiftShaderIcd() : undefined;
  // Extra Dawn flags, e.g. PLASTICNET_DAWN_FLAGS='disable-dawn-features=timestamp_quantization' for
  // per-pass timings finer than Dawn's default timestamp quantization (bench/gpu.ts on a real GPU).
  const flags = (proc.env.PLASTICNET_DAWN_FLAGS ?? '').split(/\s+/).filter((f) => f.length > 0);
  let gpu: GPU | undefined;
  let adapter: GPUAdapter | null = null;
  // First the environment as it is (a real GPU, Mesa >= 25 lavapipe), unless it has no driver at
  // all for SwiftShader to stand in for (that try would only print "Found no drivers").
  if (icd === undefined || (await hasSystemVulkanDriver())) {
    gpu = dawn.create(flags);
    adapter = await gpu.requestAdapter(opts);
  }
  if (adapter === null && icd !== undefined) {
    proc.env.VK_ICD_FILENAMES = icd; // read by the Vulkan loader when Dawn creates its instance
    gpu = dawn.create(flags);
    adapter = await gpu.requestAdapter(opts);
  }
  if (adapter !== null) nodeGpu = gpu;
  return adapter;
}

async function requestAdapter(powerPreference: GPUPowerPreference | undefined): Promise<GPUAdapter> {
  const opts: GPURequestAdapterOptions = powerPreference === undefined ? {} : { powerPreference };
  if (nodeProcess() !== undefined) {
    const adapter = await requestNodeAdapter(opts);
    if (adapter === null) throw new Error(NODE_HINT);
    return adapter;
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu === undefined) throw new Error(BROWSER_HINT);
  const adapter = await nav.gpu.requestAdapter(opts);
  if (adapter === null) {
    throw new Error(`navigator.gpu.requestAdapter() returned null (GPU blocklisted or disabled). ${BROWSER_HINT}`);
  }
  return adapter;
}

/** Vendor/architecture/device/description and whether the adapter is a CPU implementation. */
export async function summarizeAdapter(adapter: GPUAdapter): Promise<AdapterSummary> {
  const legacy = adapter as GPUAdapter & {
    requestAdapterInfo?: () => Promise<GPUAdapterInfo>;
    isFallbackAdapter?: boolean;
  };
  const info: Partial<GPUAdapterInfo> =
    (adapter.info as GPUAdapterInfo | undefined) ?? (await legacy.requestAdapterInfo?.()) ?? {};
  return summarizeInfo(info, legacy.isFallbackAdapter === true);
}

/** The summary of an adapter info (also GPUDevice.adapterInfo of a handed-in device). */
export function summarizeInfo(info: Partial<GPUAdapterInfo>, fallback = false): AdapterSummary {
  const summary = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const named = SOFTWARE_RE.test(Object.values(summary).join(' '));
  const isSoftware = info.isFallbackAdapter === true || fallback || named;
  return { ...summary, isSoftware };
}

function adapterLimits(adapter: GPUAdapter, only?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const limits = adapter.limits as unknown as Record<string, unknown>;
  const names: string[] = [];
  if (only !== undefined) names.push(...only);
  else for (const name in limits) names.push(name); // WebIDL attributes: enumerable on the prototype
  for (const name of names) {
    const v = limits[name];
    if (typeof v === 'number') out[name] = v;
  }
  return out;
}

/**
 * A device with the adapter's own limits (not the WebGPU defaults) and 'timestamp-query' where the
 * adapter has it. Throws an Error saying what to install or use when there is no WebGPU, and when the
 * only adapter is a software one unless allowSoftware. Release it with releaseDevice().
 */
export async function acquireDevice(opts: AcquireOptions = {}): Promise<AcquiredDevice> {
  const adapter = await requestAdapter(opts.powerPreference);
  const adapterInfo = await summarizeAdapter(adapter);
  if (adapterInfo.isSoftware && opts.allowSoftware !== true) {
    throw new Error(
      `Only a software WebGPU adapter is available (${adapterInfo.description || adapterInfo.architecture || adapterInfo.vendor}); ` +
        'on a CPU the CPU engine is faster. Use --backend cpu, or allow software adapters (allowSoftware).',
    );
  }
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits: adapterLimits(adapter) });
  } catch {
    // An implementation that lists a limit it does not accept back: ask for the ones we use.
    device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: adapterLimits(adapter, KEY_LIMITS),
    });
  }
  void device.lost.then((lost) => {
    if (lost.reason !== 'destroyed') console.error(`WebGPU device lost: ${lost.message}`);
  });
  return { device, adapterInfo };
}

/**
 * Destroy a device from acquireDevice(). Every caller must call it when done: Dawn's Node device
 * holds native resources (and may keep the process alive) until destroyed. Idempotent.
 */
export function releaseDevice(device: GPUDevice): void {
  device.destroy();
}

/** For `--backend auto`: true only when a non-software WebGPU adapter exists. Never throws. */
export async function hasHardwareAdapter(): Promise<boolean> {
  try {
    const adapter = await requestAdapter('high-performance');
    return !(await summarizeAdapter(adapter)).isSoftware;
  } catch {
    return false;
  }
}
