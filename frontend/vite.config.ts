import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The API runs in the Go backend. During `npm run dev`, /api is proxied to
// ID06DESK_API (e.g. a local `id06desk serve --addr 127.0.0.1:8080`).
const apiTarget = process.env.ID06DESK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // Relative asset URLs work both from http://127.0.0.1:PORT/ and from
  // Wails' wails://wails/ asset server.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script>: the server sends script-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
