import type { StorybookConfig } from '@storybook/web-components-vite';
import type { ProxyOptions } from 'vite';

/**
 * The Live stories' stack (`npm start`): the demo shop mints tokens for its own origin, and the
 * core API accepts only that origin. The dev server therefore proxies both under `/__live/`,
 * presenting the shop's origin, so the widgets in Storybook talk to them as the shop page would.
 */
const DEMO_URL = process.env.TESSERA_DEMO_URL ?? 'http://127.0.0.1:5173';
const CORE_API_URL = process.env.TESSERA_CORE_API_URL ?? 'http://127.0.0.1:4100';

function live(prefix: string, target: string): ProxyOptions {
  return {
    target,
    changeOrigin: true,
    rewrite: (path) => path.slice(prefix.length) || '/',
    headers: { origin: new URL(DEMO_URL).origin },
  };
}

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  framework: {
    name: '@storybook/web-components-vite',
    // Not the root vite.config.ts: that one is the production library build.
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  // The MSW worker (`npx msw init .storybook/public`), served at the root of the preview.
  staticDirs: ['./public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  viteFinal(config) {
    // One Lit for the renderer and the widgets: never pre-bundled, so no copy inside a bundle.
    const lit = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element'];
    config.optimizeDeps = {
      ...config.optimizeDeps,
      exclude: [...(config.optimizeDeps?.exclude ?? []), ...lit],
    };
    config.server = {
      ...config.server,
      proxy: {
        ...config.server?.proxy,
        '/__live/site': live('/__live/site', DEMO_URL),
        '/__live/api': live('/__live/api', CORE_API_URL),
      },
    };
    return config;
  },
};

export default config;
