import { defineConfig } from 'vite';

// Storybook's own Vite configuration (see main.ts): everything it needs comes from the framework.
// Storybook and axe are large bundles; that is fine for an internal tool.
export default defineConfig({ build: { chunkSizeWarningLimit: 1500 } });
