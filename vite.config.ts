import { defineConfig } from 'vite';

// Library build of what ships to browsers. The widgets join this entry list as they land.
export default defineConfig({
  build: {
    lib: {
      entry: { contracts: 'contracts/index.ts' },
      formats: ['es'],
    },
    outDir: 'dist',
    sourcemap: true,
  },
});
