#!/usr/bin/env node
// Pre-flight for `npm test` (runs before `vitest run`): makes sure the GPU and browser tests have
// what they need, and says so loudly when they do not.
//
//   1. /usr/bin/chromium (Debian's package): headless browser for test/browser, and it ships
//      SwiftShader's Vulkan ICD (vk_swiftshader_icd.json next to libvk_swiftshader.so).
//   2. The Vulkan loader libvulkan.so.1 (Debian's libvulkan1): Dawn dlopen()s it; chromium bundles
//      its own copy privately, which Dawn cannot find.
//   3. A probe, in a child process so a driver crash is contained: Dawn (npm `webgpu`) must get an
//      adapter with VK_ICD_FILENAMES pointing at that ICD. src/engine/webgpu/device.ts sets the same
//      variable itself in the test processes (an env var set here cannot reach `vitest run`).
//
//   4. Debian's python3-h5py and python3-numpy: test/unit/sonata.test.ts reads the SONATA export back
//      with h5py (an HDF5 reader independent of h5wasm) and byte-compiles the generated PyNN script.
//
// Missing packages are installed with apt-get when running as root; otherwise this exits 1 with the
// command to run. With CI=true, a probe that gets no adapter is a failure (exit 1), never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CI = process.env.CI === 'true';
const CHROMIUM = '/usr/bin/chromium';
// Keep in step with SWIFTSHADER_ICD_DIRS in src/engine/webgpu/device.ts.
const ICD_DIRS = ['/usr/lib/chromium', '/usr/lib64/chromium', '/usr/lib/chromium-browser'];
const LOADER_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
];

const log = (msg) => console.log(`[test-env] ${msg}`);
const fail = (msg) => {
  console.error(`[test-env] ERROR: ${msg}`);
  process.exit(1);
};

/** A *.json Vulkan ICD manifest whose library is SwiftShader, in chromium's library folder. */
function findSwiftShaderIcd() {
  const fromEnv = process.env.VK_ICD_FILENAMES;
  if (fromEnv && fromEnv.split(':').every((p) => existsSync(p))) return fromEnv;
  for (const dir of ICD_DIRS) {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = join(dir, name);
      try {
        if (/swiftshader/i.test(readFileSync(path, 'utf8'))) return path;
      } catch {
        /* unreadable: not ours */
      }
    }
  }
  return undefined;
}

function hasVulkanLoader() {
  const r = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (r.status === 0 && /\blibvulkan\.so\.1\b/.test(r.stdout)) return true;
  const r2 = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' });
  if (r2.status === 0 && /\blibvulkan\.so\.1\b/.test(r2.stdout)) return true;
  return LOADER_DIRS.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
}

// ---- 1 + 2: packages ---------------------------------------------------------------------------
if (process.platform === 'linux') {
  const missing = [];
  if (!existsSync(CHROMIUM) || !findSwiftShaderIcd()) missing.push('chromium');
  if (!hasVulkanLoader()) missing.push('libvulkan1');
  const hasH5py = () => existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import h5py, numpy'], { stdio: 'ignore' }).status === 0;
  if (!hasH5py()) missing.push('python3-h5py');
  if (missing.length > 0) {
    log(`missing Debian packages: ${missing.join(' ')} (headless Chromium; SwiftShader Vulkan ICD; Vulkan loader; h5py for the SONATA reader test)`);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot && commandExists('apt-get')) {
      log('running as root with apt-get: installing them');
      run('apt-get', ['update']);
      if (missing.includes('chromium')) run('apt-get', ['install', '-y', 'chromium']);
      // The bare loader: its Recommends pull in Mesa 22 lavapipe, which Dawn rejects anyway.
      if (missing.includes('libvulkan1')) run('apt-get', ['install', '-y', '--no-install-recommends', 'libvulkan1']);
      if (missing.includes('python3-h5py')) run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-h5py', 'python3-numpy']);
    } else {
      fail(`install them first:\n\n    sudo apt-get install ${missing.join(' ')}\n`);
    }
  }
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} still missing after install`);
  if (!hasVulkanLoader()) fail('libvulkan.so.1 still missing after install');
  if (!hasH5py()) fail('/usr/bin/python3 cannot import h5py and numpy after install');
  log('h5py: /usr/bin/python3');
}
const icd = process.platform === 'linux' ? findSwiftShaderIcd() : undefined;
if (process.platform === 'linux' && !icd) {
  fail(`no SwiftShader Vulkan ICD (*.json mentioning swiftshader) in ${ICD_DIRS.join(', ')}; reinstall with\n\n    sudo apt-get install --reinstall chromium\n`);
}
if (existsSync(CHROMIUM)) log(`chromium: ${CHROMIUM}`);
if (icd) log(`SwiftShader ICD: ${icd}`);

// ---- 3: probe Dawn in a child process ----------------------------------------------------------
const probe = `
import { create } from 'webgpu';
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) { console.log(JSON.stringify({ ok: false })); process.exit(0); }
const i = adapter.info;
const device = await adapter.requestDevice();
device.destroy();
console.log(JSON.stringify({ ok: true, vendor: i.vendor, architecture: i.architecture, device: i.device,
  description: i.description, isFallbackAdapter: i.isFallbackAdapter === true,
  maxBufferSize: adapter.limits.maxBufferSize,
  maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
  timestampQuery: adapter.features.has('timestamp-query') }));
`;
const env = { ...process.env };
if (icd && !env.VK_ICD_FILENAMES) env.VK_ICD_FILENAMES = icd;
const t0 = Date.now();
const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
  cwd: root,
  env,
  encoding: 'utf8',
  timeout: 120_000,
});
const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
let info;
try {
  info = line ? JSON.parse(line) : undefined;
} catch {
  info = undefined;
}
if (info?.ok) {
  log(
    `Dawn adapter (VK_ICD_FILENAMES=${env.VK_ICD_FILENAMES ?? '<unset>'}, ${Date.now() - t0} ms): ` +
      `${info.vendor} / ${info.architecture} / ${info.device} / ${info.description}` +
      `${info.isFallbackAdapter ? ' [software fallback]' : ''}; maxBufferSize ${info.maxBufferSize}, ` +
      `maxStorageBufferBindingSize ${info.maxStorageBufferBindingSize}, storage buffers/stage ` +
      `${info.maxStorageBuffersPerShaderStage}, timestamp-query ${info.timestampQuery}`,
  );
} else {
  const why = r.error
    ? String(r.error)
    : r.signal
      ? `probe killed by ${r.signal}`
      : info
        ? 'requestAdapter() returned null'
        : `probe exited ${r.status}`;
  const msg =
    `Dawn (npm webgpu) got no WebGPU adapter: ${why}\n${(r.stderr ?? '').trim()}\n` +
    'Install Debian\'s chromium (SwiftShader) and libvulkan1, or Mesa >= 25 lavapipe ' +
    '(bookworm-backports mesa-vulkan-drivers), and set VK_ICD_FILENAMES to the ICD json.';
  if (CI) fail(`${msg}\nCI=true: a missing adapter is a failure, not a skip.`);
  console.warn(`[test-env] WARNING: ${msg}\nThe GPU tests will fail.`);
}
