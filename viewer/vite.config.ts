// Builds the viewer SPA into dist/viewer (scripts/build.mjs calls this file) and, in `vite dev`, forwards
// everything the Sightline server owns to a running server so the viewer can be worked on with hot reload.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

/** The Sightline server the dev server proxies to; `npm start` listens on 8787. */
const serverUrl = process.env.SIGHTLINE_SERVER_URL ?? 'http://localhost:8787';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs, so the built viewer works wherever the server mounts it (the router uses the hash).
  base: './',
  // runes: true rejects legacy Svelte syntax at compile time instead of silently switching modes.
  plugins: [svelte({ compilerOptions: { runes: true } })],
  build: {
    outDir: '../dist/viewer',
    emptyOutDir: true,
    // rrweb-player alone is ~480 KB unminified; one chunk of that size is expected, not a regression.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': serverUrl,
      '/recorder.js': serverUrl,
      '/demo': serverUrl,
    },
  },
});
