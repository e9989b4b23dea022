// `npm run test:stories` (and `npm test`, after the browser suites): every story that is not
// tagged `!test` (the Live ones) rendered in real Chromium and its `play` run, then axe over it
// (`parameters.a11y.test = 'error'`); a console error fails it too (.storybook/preview.ts).
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const configDir = fileURLToPath(new URL('.storybook', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        plugins: [storybookTest({ configDir, storybookScript: 'npm run storybook -- --no-open' })],
        test: {
          name: 'storybook',
          // Retries with backoff and Retry-After make some stories take a few seconds.
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
                args: [
                  '--headless',
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
