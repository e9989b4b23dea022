import { defineConfig } from 'vite';

// The browser's part only: one script, Lit bundled in, served by the server from dist/public/.
export default defineConfig({
  build: {
    outDir: 'dist/public',
    rollupOptions: {
      input: 'src/client.ts',
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
