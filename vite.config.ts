import { defineConfig } from 'vite';

// Static site: relative base so `npm run build` output works from any static file server.
// Workers are ES modules (the CPU engine's worker shares chunks with the page).
export default defineConfig({
  base: './',
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'site', target: 'es2022' }, // dist/ is the npm package's build (npm run build:lib)
  worker: { format: 'es' },
});
