/**
 * A partner's site that renders the widgets on its server, as docs/ssr.md describes it: the
 * backend reads the quote and the account with `@tessera/node`, mints each page a widget token
 * for its origin, renders the widget with `@tessera/widgets/ssr`, and serves `hydrate.js`
 * before the widget's script. Beside it, the same widgets rendered by the browser alone, to
 * compare with.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Scope } from '../../../contracts/v1/scopes.ts';
import type { Tessera } from '../../../sdk/index.ts';
import type { PageBuild } from './build.ts';

export type WidgetName = 'quote' | 'onboarding' | 'account';

const SCOPES: Record<WidgetName, Scope[]> = {
  quote: ['quote:read', 'quote:accept'],
  onboarding: ['onboarding:read', 'onboarding:write'],
  account: ['account:read', 'account:write'],
};

export interface PageSiteOptions {
  build: PageBuild;
  tessera: Tessera;
  coreApiUrl: string;
  /** The shop's customer: its id in the shop (`external_id`) and in Tessera. */
  customer: { externalId: string; accountId: string };
}

export interface PageSite {
  origin: string;
  close(): Promise<void>;
}

/**
 * What a page shows, from its query: `locale`, `appearance`, `accent` (a brand colour set on
 * the page as `--tessera-color-accent`), `scripts=0` for the server's HTML alone.
 */
interface PageQuery {
  locale: string;
  appearance: 'light' | 'dark';
  accent: string | undefined;
  scripts: boolean;
  /** `hydrate=0`: the widget's script without `hydrate.js` before it. */
  hydrate: boolean;
}

function pageQuery(url: URL): PageQuery {
  const accent = url.searchParams.get('accent') ?? undefined;
  return {
    locale: url.searchParams.get('locale') ?? 'en',
    appearance: url.searchParams.get('appearance') === 'dark' ? 'dark' : 'light',
    accent: accent && /^#[0-9a-f]{6}$/i.test(accent) ? accent : undefined,
    scripts: url.searchParams.get('scripts') !== '0',
    hydrate: url.searchParams.get('hydrate') !== '0',
  };
}

function page(widget: WidgetName, body: string, query: PageQuery, hydrate: boolean): string {
  const scripts = !query.scripts
    ? ''
    : `${hydrate ? '<script type="module" src="/web/hydrate.js"></script>' : ''}
    <script type="module" src="/web/${widget}.js"></script>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Your ${widget}</title>
    <link rel="icon" href="data:," />
    <style>
      body { font-family: sans-serif; margin: 2rem; max-inline-size: 40rem; }
      ${query.accent ? `:root { --tessera-color-accent: ${query.accent}; }` : ''}
    </style>
  </head>
  <body>
    <main>
      <h1>Your ${widget}</h1>
      ${body}
      <p id="below">Questions? Write to help@shop.example.</p>
    </main>
    ${scripts}
  </body>
</html>`;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json' };

export async function startPageSite(options: PageSiteOptions): Promise<PageSite> {
  const { build, tessera, coreApiUrl, customer } = options;
  let origin = '';

  const mint = async (widget: WidgetName) =>
    tessera.widgetTokens.create({ subject: customer.accountId, scopes: SCOPES[widget], origin });

  async function serverRendered(widget: WidgetName, id: string | undefined, query: PageQuery) {
    const { token } = await mint(widget);
    const common = {
      token,
      apiBase: coreApiUrl,
      tokenUrl: `/token/${widget}`,
      locale: query.locale,
      appearance: query.appearance,
    };
    const markup =
      widget === 'quote'
        ? await build.ssr.renderQuote({ ...common, quote: await tessera.quotes.get(id ?? '') })
        : widget === 'account'
          ? await build.ssr.renderAccount({
              ...common,
              account: await tessera.accounts.get(customer.externalId),
            })
          : await build.ssr.renderOnboarding(common);
    return page(widget, await markup.text(), query, query.hydrate);
  }

  function clientRendered(widget: WidgetName, id: string | undefined, query: PageQuery) {
    const target =
      widget === 'quote'
        ? ` quote-id="${id}"`
        : widget === 'account'
          ? ` account-id="${customer.accountId}"`
          : '';
    const element = `<tessera-${widget}${target} api-base="${coreApiUrl}" token-url="/token/${widget}" locale="${query.locale}" appearance="${query.appearance}"></tessera-${widget}>`;
    return page(widget, element, query, false);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const [, kind = '', name = '', id] = url.pathname.split('/');
    const widget = (['quote', 'onboarding', 'account'] as const).find((w) => w === name);
    if (kind === 'web') {
      const path = normalize(url.pathname.slice('/web/'.length));
      if (path.startsWith('..')) return void response.writeHead(404).end();
      const body = await readFile(join(build.webDir, path)).catch(() => undefined);
      if (!body) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/plain' });
      return void response.end(body);
    }
    if (kind === 'token' && widget && request.method === 'POST') {
      const minted = await mint(widget);
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(
        JSON.stringify({ token: minted.token, expires_at: minted.expires_at }),
      );
    }
    if ((kind === 'ssr' || kind === 'client') && widget) {
      const query = pageQuery(url);
      const html =
        kind === 'ssr'
          ? await serverRendered(widget, id, query)
          : clientRendered(widget, id, query);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void response.end(html);
    }
    response.writeHead(404).end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(error instanceof Error ? error.message : 'failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
