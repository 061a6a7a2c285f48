import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a local `argus serve --port 8088`.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, sourcemap: false },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8088', changeOrigin: false } } },
});
