import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Hono } from 'hono';
import type { ServerType } from '@hono/node-server';
import type { Scope } from '../contracts/index.ts';
import { listen } from '../service-kit/http/listen.ts';
import type { WebhookReceiver } from './backend.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

/** Least privilege: each widget's token carries only the scopes that widget needs. */
const WIDGET_SCOPES: Record<string, Scope[]> = {
  quote: ['quote:read', 'quote:accept'],
  onboarding: ['onboarding:read', 'onboarding:write'],
  account: ['account:read', 'account:write'],
};

export interface DemoSiteOptions {
  host: string;
  port: number;
  tokenServiceUrl: string;
  coreApiUrl: string;
  /** The partner's secret key: it stays in this server, never reaches the page. */
  secretKey: string;
  /** The signed-in customer of this demo shop. */
  accountId: string;
  quoteId: string;
  /** Widget token lifetime; the token service's default (300 s) when unset. */
  tokenTtlSeconds?: number;
  /** The shop backend's webhook receiver, once it has an endpoint secret; the panel shows what it heard. */
  receiver?: WebhookReceiver;
}

export interface DemoSite {
  url: string;
  /** The receiver's URL on this site: where the shop's webhook endpoint points. */
  webhookUrl: string;
  /**
   * Starts receiving with `receiver`: the endpoint's secret comes only after the site listens
   * (the endpoint needs its URL). Until then deliveries are answered 503, and retried.
   */
  receiveWith(receiver: WebhookReceiver): void;
  close(): Promise<void>;
}

/**
 * The widgets as a partner loads them: `widgets/index.ts` (the same entry as `dist/tessera.js`)
 * bundled in memory at start, with the non-English catalogues as separate chunks. esbuild rather
 * than a Vite build: it needs no files on disk and takes well under a second.
 */
async function bundleWidgets(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: { tessera: join(ROOT, 'widgets/index.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: '/tessera',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((file) => [basename(file.path), file.text]));
}

function page(template: string, options: DemoSiteOptions): string {
  const values: Record<string, string> = {
    API_BASE: options.coreApiUrl,
    ACCOUNT_ID: options.accountId,
    QUOTE_ID: options.quoteId,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The demo partner's own site: a page embedding the three widgets with the documented snippet,
 * and the backend endpoint that mints their tokens with the partner's secret key.
 */
export async function startDemoSite(options: DemoSiteOptions): Promise<DemoSite> {
  const [files, template, css, script] = await Promise.all([
    bundleWidgets(),
    readFile(join(HERE, 'public/index.html'), 'utf8'),
    readFile(join(HERE, 'public/demo.css'), 'utf8'),
    readFile(join(HERE, 'public/demo.js'), 'utf8'),
  ]);
  const html = page(template, options);
  let receiver = options.receiver;
  const api = new URL(options.coreApiUrl).origin;
  // The strict policy docs/csp.md gives partners: the widgets need nothing looser.
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${api}`,
    "img-src 'self' data:",
    "frame-ancestors 'none'",
  ].join('; ');

  const app = new Hono();
  app.get('/', (c) => {
    c.header('content-security-policy', csp);
    return c.html(html);
  });
  // The bundle on an otherwise empty page of the shop's origin: for experiments and benchmarks.
  app.get('/blank', (c) => {
    c.header('content-security-policy', csp);
    return c.html(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo Shop</title>' +
        '<script type="module" src="/widgets/tessera.js"></script></head><body></body></html>',
    );
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/demo.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/demo.js', (c) =>
    c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/widgets/:file', (c) => {
    const file = files.get(c.req.param('file'));
    if (file === undefined) return c.notFound();
    return c.body(file, 200, { 'content-type': 'text/javascript; charset=utf-8' });
  });

  // The partner backend: its customer is signed in (here, always the demo account); it asks the
  // token service for a token bound to the page's origin, forwarding the widget session id.
  app.post('/api/widget-token', async (c) => {
    const scopes = WIDGET_SCOPES[c.req.query('widget') ?? ''];
    if (!scopes) return c.json({ error: 'widget must be quote, onboarding or account' }, 400);
    const origin = c.req.header('origin') ?? new URL(c.req.url).origin;
    const body = (await c.req.json().catch(() => ({}))) as {
      session_id?: unknown;
      dpop_jkt?: unknown;
    };
    const response = await fetch(`${options.tokenServiceUrl}/v1/tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        subject: options.accountId,
        scopes,
        origin,
        ...(options.tokenTtlSeconds ? { ttl_seconds: options.tokenTtlSeconds } : {}),
        ...(typeof body.session_id === 'string' ? { correlation_id: body.session_id } : {}),
        ...(typeof body.dpop_jkt === 'string' ? { dpop_jkt: body.dpop_jkt } : {}),
      }),
    });
    const minted = (await response.json()) as Record<string, unknown>;
    if (response.status !== 201) return c.json(minted, response.status === 429 ? 429 : 502);
    return c.json({ token: minted.token, expires_at: minted.expires_at });
  });

  // The shop backend's webhook receiver: the raw body, as received, is what the signature covers.
  app.post('/webhooks/tessera', async (c) => {
    if (!receiver) return c.body(null, 503);
    const status = receiver.receive(await c.req.text(), c.req.header());
    return c.body(null, status === 204 ? 204 : 400);
  });
  // What the receiver heard, for the page's panel (polled: the CSP allows only same-origin calls).
  app.get('/api/backend-heard', (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ deliveries: receiver?.heard() ?? [] });
  });

  const server: ServerType = await listen(
    app.fetch,
    options.host,
    options.port,
    '--demo-port (or set TESSERA_DEMO_PORT)',
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  return {
    url,
    webhookUrl: `${url}/webhooks/tessera`,
    receiveWith(next) {
      receiver = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
