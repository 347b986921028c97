#!/usr/bin/env node
// Entry point, one process: the compiled CLI (dist/cli/main.js) when a build exists, else the TypeScript
// sources through tsx registered in this process. No child process is started, so a signal sent to this
// PID (SIGINT, SIGTERM, a wrapper's timeout) reaches the run itself, and nothing outlives it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'cli', 'main.js');
const src = join(root, 'src', 'cli', 'main.ts');
if (existsSync(dist)) (await import(pathToFileURL(dist).href)).cli(process.argv.slice(2));
else if (typeof module.register === 'function') {
  const { register } = await import('tsx/esm/api');
  register();
  (await import(pathToFileURL(src).href)).cli(process.argv.slice(2));
} else {
  // Node < 20.6 has no in-process loader hooks: run tsx as a child, forward signals, share its fate.
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [src, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  process.on('exit', () => child.exitCode === null && child.kill('SIGTERM'));
  child.on('exit', (code, sig) => process.exit(code ?? (sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 1)));
}
