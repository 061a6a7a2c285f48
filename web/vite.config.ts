import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `@contract`: the API's response schemas and kind names (src/contract; see tsconfig.json `paths`). The web imports
 * its types (`import type`) and the names of kinds (`@contract/labels`, no zod), so a drift of the API breaks this build.
 */
const contract = decodeURIComponent(new URL('../src/contract', import.meta.url).pathname);
const repoSrc = decodeURIComponent(new URL('../src', import.meta.url).pathname);

// `npm run dev` proxies the API to a local `argus serve --port 8088`.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@contract': contract } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, sourcemap: false },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8088', changeOrigin: false } }, fs: { allow: ['.', repoSrc] } },
});
