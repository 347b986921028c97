import { defineConfig } from 'vite';

// Static site: relative base so `npm run build` output works from any static file server.
export default defineConfig({
  base: './',
  server: { host: '127.0.0.1' },
  build: { outDir: 'dist', target: 'es2022' },
  assetsInclude: ['**/*.wgsl'],
});
