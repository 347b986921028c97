#!/usr/bin/env node
// Entry point, one process: in a source checkout (src/ and tsx present) the TypeScript sources through tsx
// registered in this process, so a stale dist/ is never run; in an installed package the compiled CLI
// (dist/cli/main.js). No child process is started, so a signal sent to this PID (SIGINT, SIGTERM, a
// wrapper's timeout) reaches the run itself, and nothing outlives it.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'cli', 'main.js');
const src = join(root, 'src', 'cli', 'main.ts');

/** tsx's in-process loader, when this is a checkout with its dev dependencies (Node >= 20.6). */
async function tsxLoader() {
  if (!existsSync(src) || typeof module.register !== 'function') return null;
  try {
    return (await import('tsx/esm/api')).register;
  } catch {
    return null;
  }
}

const register = await tsxLoader();
let entry;
if (register) {
  register();
  entry = await import(pathToFileURL(src).href);
} else if (existsSync(dist)) entry = await import(pathToFileURL(dist).href);
else {
  console.error('plasticnet: neither the compiled CLI (dist/cli/main.js: npm run build:lib) nor the sources with tsx (npm install) were found');
  process.exit(1);
}
if (typeof entry.cli === 'function') entry.cli(process.argv.slice(2));
else entry.main(process.argv.slice(2)).then((code) => process.exit(code), (e) => (console.error(e), process.exit(1)));
