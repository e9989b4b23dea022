import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import { html } from 'lit';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
import manifest from '../custom-elements.json';
import { API_BASE, isMocked, resetMocks, TOKEN_URL } from '../stories/mocks/index.ts';
import '../widgets/core/define.ts';

// Controls and docs pages from the JSDoc on the elements (`npm run cem`).
setCustomElementsManifest(manifest);

/** The toolbar's languages: the four with catalogues, and Arabic for right-to-left layout. */
const LOCALES = [
  { value: 'en', title: 'English' },
  { value: 'de', title: 'Deutsch' },
  { value: 'fr', title: 'Français' },
  { value: 'es', title: 'Español' },
  { value: 'ar', title: 'العربية (RTL)' },
];
const RTL = new Set(['ar', 'he', 'fa', 'ur']);
/** Container widths the layout is tested at, and brand colours from very light to very dark. */
const WIDTHS = [320, 375, 768, 1280];
const BRANDS = ['#ffd700', '#00bcd4', '#0f5c4d', '#5b21b6', '#111111'];

let consoleErrors: string[] = [];

const preview: Preview = {
  globalTypes: {
    locale: {
      description: 'Language of the widgets (and direction: Arabic is right-to-left)',
      toolbar: { title: 'Locale', icon: 'globe', items: LOCALES, dynamicTitle: true },
    },
    appearance: {
      description: 'Appearance preset, or unstyled',
      toolbar: {
        title: 'Appearance',
        icon: 'paintbrush',
        items: [
          { value: 'light', title: 'Light' },
          { value: 'dark', title: 'Dark' },
          { value: 'unstyled', title: 'Unstyled' },
        ],
        dynamicTitle: true,
      },
    },
    width: {
      description: 'Width of the box the widget sits in (its layout follows it)',
      toolbar: {
        title: 'Width',
        icon: 'mobile',
        items: [
          { value: 'full', title: 'Full width' },
          ...WIDTHS.map((width) => ({ value: String(width), title: `${width} px` })),
        ],
        dynamicTitle: true,
      },
    },
    brand: {
      description: 'Brand colour (--tessera-color-accent): the widget derives the rest',
      toolbar: {
        title: 'Brand',
        icon: 'paintbrush',
        items: [
          { value: 'preset', title: 'Preset accent' },
          ...BRANDS.map((brand) => ({ value: brand, title: brand })),
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { locale: 'en', appearance: 'light', width: 'full', brand: 'preset' },

  // Each story's API and token endpoint are MSW handlers (`parameters.msw.handlers`). A request to
  // the mocked API that no handler answers is logged as an error, and so fails the story.
  loaders: [
    mswLoader(async () => {
      const worker = setupWorker();
      await worker.start({
        quiet: true,
        serviceWorker: { url: './mockServiceWorker.js' },
        onUnhandledRequest(request, print) {
          if (isMocked(request)) print.error();
        },
      });
      return worker;
    }),
  ],

  // Every story starts from the fixtures, and fails if it logged a console error.
  beforeEach() {
    resetMocks();
    consoleErrors = [];
    const original = console.error;
    console.error = (...args: unknown[]) => {
      consoleErrors.push(args.map((arg) => String(arg)).join(' '));
      original.apply(console, args);
    };
    return () => {
      console.error = original;
    };
  },
  afterEach() {
    if (consoleErrors.length > 0) {
      throw new Error(
        `The story logged ${consoleErrors.length} console error(s):\n${consoleErrors.join('\n')}`,
      );
    }
  },

  // The widgets inside a <tessera-provider> with the toolbar's locale and appearance, the mocked
  // API and the mocked partner token endpoint; `unstyled` is set on the widget by each render.
  decorators: [
    (story, { globals }) => {
      const locale = String(globals.locale ?? 'en');
      const appearance = String(globals.appearance ?? 'light');
      const width = String(globals.width ?? 'full');
      const brand = String(globals.brand ?? 'preset');
      const style = [
        appearance === 'dark' ? 'background:#121316;color:#e4e2e6;padding:1rem' : 'padding:1rem',
        width === 'full' ? '' : `box-sizing:content-box;inline-size:${width}px`,
        brand === 'preset' ? '' : `--tessera-color-accent:${brand}`,
      ];
      return html`<div
        class="tessera-story"
        lang=${locale}
        dir=${RTL.has(locale) ? 'rtl' : 'ltr'}
        style=${style.filter(Boolean).join(';')}
      >
        <tessera-provider
          api-base=${API_BASE}
          token-url=${TOKEN_URL}
          locale=${locale}
          appearance=${appearance === 'dark' ? 'dark' : 'light'}
        >
          ${story()}
        </tessera-provider>
      </div>`;
    },
  ],

  parameters: {
    layout: 'fullscreen',
    // Each story of a docs page in its own frame: its own MSW handlers and its own page styles
    // (one page would share the last story's handlers, and a custom theme would restyle them all).
    docs: { story: { inline: false, iframeHeight: 560 } },
    controls: { expanded: true },
    // Every axe violation fails the story's test.
    a11y: { test: 'error' },
  },
  tags: ['autodocs'],
};

export default preview;
