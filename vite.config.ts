import { defineConfig, type Plugin } from 'vite';

/**
 * The built site's Content-Security-Policy is stricter than the dev server's: index.html allows inline
 * <style> (Vite's dev server injects CSS that way) and ws:/wss: (its hot reload); the build extracts CSS to
 * files and has no socket, so both are removed there. The build fails if index.html's policy text changes.
 */
function strictCspForBuild(): Plugin {
  const swaps: [string, string][] = [
    ["style-src 'self' 'unsafe-inline';", "style-src 'self';"],
    ["connect-src 'self' blob: ws: wss:;", "connect-src 'self' blob:;"],
  ];
  return {
    name: 'plasticnet-strict-csp',
    apply: 'build',
    transformIndexHtml(html) {
      let out = html;
      for (const [from, to] of swaps) {
        if (out.split(from).length !== 2) throw new Error(`vite.config.ts: index.html's Content-Security-Policy no longer contains "${from}" once`);
        out = out.replace(from, to);
      }
      return out;
    },
  };
}

// Static site: relative base so `npm run build` output works from any static file server.
// Workers are ES modules (the CPU engine's worker shares chunks with the page).
export default defineConfig({
  base: './',
  plugins: [strictCspForBuild()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'site', target: 'es2022' }, // dist/ is the npm package's build (npm run build:lib)
  worker: { format: 'es' },
});
