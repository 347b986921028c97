#!/usr/bin/env node
// Entry point, one process: the compiled CLI (dist/cli/main.js) when a build exists, else the TypeScript
// sources through tsx registered in this process. No child process is started, so a signal sent to this
// PID (SIGINT, SIGTERM, a wrapper's timeout) reaches the run itself, and nothing outlives it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'cli', 'main.js');
let mod;
if (existsSync(dist)) mod = await import(pathToFileURL(dist).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
mod.cli(process.argv.slice(2));
