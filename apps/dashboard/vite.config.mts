import { defineConfig } from 'vite';

// Paths from this file's URL rather than node:path so the dashboard's DOM-only tsconfig can check this file too.
const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** The dashboard bundle, served by the API from dist/dashboard at `/`. `vite` here proxies a local API. */
export default defineConfig({
  root: here,
  base: '/',
  build: {
    outDir: `${here}../../dist/dashboard`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
