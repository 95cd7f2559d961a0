import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vite';

/**
 * Server build: the API and the rig simulator bundled into ESM files (Nest 12 is ESM-only), with
 * swc so Nest's decorator metadata survives. Dependencies stay external (node_modules at run time).
 */
const libs = ['contracts', 'interface-model', 'eis', 'cyclers', 'twin', 'storage', 'alerts'];

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: Object.fromEntries(
      libs.map((name) => [`@twin/${name}`, resolve(import.meta.dirname, `libs/${name}/src`)]),
    ),
  },
  build: {
    ssr: true,
    outDir: 'dist',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        api: 'apps/api/src/main.ts',
        'rig-sim': 'apps/rig-sim/src/main.ts',
      },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
});
