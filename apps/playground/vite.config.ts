import { defaultClientConditions, defineConfig } from 'vite';

// The `source` export condition points each @tsgrad package at its TypeScript sources, so the
// playground builds from them (no `pnpm build` of the libraries first). `base: './'` lets the
// static build be served from any path.
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
