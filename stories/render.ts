/** What the three widgets' stories render alike: theme controls, appearance, the Live stack. */
import { html, type TemplateResult } from 'lit';
import type { StoryContext } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json';

interface Declaration {
  tagName?: string;
  summary?: string;
  members?: { name: string }[];
  attributes?: { name: string; fieldName?: string }[];
  events?: { name: string }[];
  slots?: { name: string }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
}

function declaration(tag: string): Declaration | undefined {
  return manifest.modules
    .flatMap((module) => (module.declarations ?? []) as Declaration[])
    .find((candidate) => candidate.tagName === tag);
}

/** The docs page's description of an element: its `@summary` from the manifest. */
export function docsFor(tag: string) {
  return { description: { component: declaration(tag)?.summary ?? '' } };
}

/**
 * Controls for what a story can change on the element (its id, locale, appearance, unstyled, slot
 * text, every `--tessera-*` property); the rest of the manifest's table (attributes the provider
 * sets, read-only properties, events, parts) is documentation only.
 */
export function argTypesFor(tag: string, id: string) {
  const element = declaration(tag);
  const names = (list: { name: string }[] | undefined) => (list ?? []).map((item) => item.name);
  const documented = [
    ...names(element?.members),
    ...names(element?.attributes),
    ...names(element?.events),
    ...names(element?.cssParts),
  ];
  return {
    ...Object.fromEntries(documented.map((name) => [name, { control: false as const }])),
    ...Object.fromEntries(
      names(element?.slots).map((name) => [name, { control: 'text' as const }]),
    ),
    ...Object.fromEntries(
      names(element?.cssProperties).map((name) => [name, { control: 'text' as const }]),
    ),
    [id]: { control: 'text' as const },
    locale: { control: 'text' as const },
    appearance: { control: 'inline-radio' as const, options: ['light', 'dark'] },
    unstyled: { control: 'boolean' as const },
  };
}

/** Whether the toolbar asks for the unstyled widget. */
export function unstyled(context: Pick<StoryContext, 'globals'>): boolean {
  return context.globals.appearance === 'unstyled';
}

/**
 * The `--tessera-*` custom properties set in the Controls panel (their arg types come from the
 * manifest's `@cssproperty` list), as an inline style on the widget.
 */
export function cssVariables(args: object): string {
  return Object.entries(args)
    .filter(([name, value]) => name.startsWith('--') && typeof value === 'string' && value !== '')
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join('; ');
}

/** A custom theme as a partner writes it: custom properties on the element, `::part()` rules. */
export function customTheme(tag: string): TemplateResult {
  const css = `
    ${tag} {
      --tessera-font: Georgia, 'Times New Roman', serif;
      --tessera-color-text: #2b1d0e;
      --tessera-color-muted: #5c4630;
      --tessera-color-background: #fff8ef;
      --tessera-color-accent: #7a3e00;
      --tessera-color-on-accent: #ffffff;
      --tessera-color-border: #8a6a4a;
      --tessera-radius: 0;
      --tessera-spacing: 1.5rem;
    }
    ${tag}::part(base) {
      box-shadow: 0.5rem 0.5rem 0 #e7d3bb;
    }
    ${tag}::part(primary-button) {
      text-transform: uppercase;
      letter-spacing: 0.08em;
      font-weight: bold;
    }
    ${tag}::part(header) {
      border-block-end: 3px double #8a6a4a;
    }
  `;
  return html`<style>
    ${css}
  </style>`;
}

/** Where the Live stories find the `npm start` stack: proxied by the dev server (main.ts). */
export const LIVE = {
  site: '/__live/site',
  apiBase: () => new URL('/__live/api', location.origin).href,
  tokenUrl: (widget: 'quote' | 'onboarding' | 'account') =>
    `/__live/site/api/widget-token?widget=${widget}`,
};

export type LiveStack =
  { ok: true; quoteId: string; accountId: string } | { ok: false; reason: string };

/** Reads the demo shop's page for the ids it embeds (its signed-in customer and open quote). */
export async function liveStack(): Promise<{ live: LiveStack }> {
  try {
    const response = await fetch(`${LIVE.site}/`);
    if (!response.ok) throw new Error(`the demo site answered ${response.status}`);
    const page = await response.text();
    const quoteId = /quote-id="(qt_[A-Za-z0-9]+)"/.exec(page)?.[1];
    const accountId = /account-id="(acct_[A-Za-z0-9]+)"/.exec(page)?.[1];
    if (!quoteId || !accountId) throw new Error('the demo page embeds no quote or account');
    return { live: { ok: true, quoteId, accountId } };
  } catch (error) {
    return { live: { ok: false, reason: error instanceof Error ? error.message : String(error) } };
  }
}

/** What a Live story shows when no stack answers. */
export function noStack(reason: string): TemplateResult {
  return html`<section>
    <h2>No local stack</h2>
    <p>
      This story talks to the stack <code>npm start</code> runs (the demo shop on
      http://127.0.0.1:5173, the core API on http://127.0.0.1:4100; other addresses through
      <code>TESSERA_DEMO_URL</code> and <code>TESSERA_CORE_API_URL</code> when starting Storybook),
      through <code>npm run storybook</code>'s proxy, so not in a static build.
    </p>
    <p>Reason: ${reason}</p>
  </section>`;
}
