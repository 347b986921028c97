// After `tsc -p tsconfig.build.json`: the browser branch of src/engine/cpu/threads/pool.ts names its Web Worker
// as `new Worker(new URL('./worker.ts', import.meta.url))`, the static form bundlers (Vite) follow. tsc rewrites
// import specifiers (.ts -> .js) but not URLs, so the compiled dist/.../pool.js would name a worker.ts the package
// does not ship. This rewrites that one URL to worker.js and fails if the text is not found exactly once.
import { readFileSync, writeFileSync } from 'node:fs';

const file = 'dist/engine/cpu/threads/pool.js';
const from = "new Worker(new URL('./worker.ts', import.meta.url)";
const to = "new Worker(new URL('./worker.js', import.meta.url)";
const text = readFileSync(file, 'utf8');
const n = text.split(from).length - 1;
if (n !== 1) {
  console.error(`${file}: expected the Web Worker URL text once, found it ${n} times: update scripts/dist-worker-url.mjs`);
  process.exit(1);
}
writeFileSync(file, text.replace(from, to));
