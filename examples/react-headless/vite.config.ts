import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `base: './'`: the app works from any path it is served under.
export default defineConfig({ base: './', plugins: [react()] });
