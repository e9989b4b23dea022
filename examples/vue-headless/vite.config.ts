import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// No custom elements here: the markup is the app's own.
export default defineConfig({ base: './', plugins: [vue()] });
