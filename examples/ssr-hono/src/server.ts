/**
 * A partner's shop on Hono that renders `<tessera-quote>` on its server: the backend reads the
 * quote through the partner API and mints the page a widget token (`@tessera/node`), renders the
 * widget into the page (`@tessera/widgets/ssr`), and serves the browser script that hydrates it
 * (dist/public/client.js, built by Vite from src/client.ts).
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Tessera, isTesseraError } from '@tessera/node';
import { renderQuote } from '@tessera/widgets/ssr';
import { Hono } from 'hono';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name}.`);
  return value;
}

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
/** Where customers reach the shop: every widget token is bound to it. */
const origin = process.env.SHOP_ORIGIN ?? `http://${host}:${port}`;
const apiUrl = required('TESSERA_API_URL');
/**
 * The signed-in customer, by the shop's own id (the partner API's `external_id`). A real shop
 * reads it from its session; one customer keeps the example short.
 */
const customerId = required('SHOP_CUSTOMER_ID');

const tessera = new Tessera({
  secretKey: required('TESSERA_SECRET_KEY'),
  partnerId: required('TESSERA_PARTNER_ID'),
  tokenServiceUrl: required('TESSERA_TOKEN_SERVICE_URL'),
  apiUrl,
  scopes: ['partner:accounts', 'partner:quotes'],
});

const QUOTE_SCOPES = ['quote:read', 'quote:accept'] as const;

const app = new Hono();

app.use('/assets/*', serveStatic({ root: './dist/public', rewriteRequestPath: (p) => p.slice(7) }));

app.get('/quotes/:id', async (c) => {
  const [account, quote] = await Promise.all([
    tessera.accounts.get(customerId),
    tessera.quotes.get(c.req.param('id')),
  ]);
  const { token } = await tessera.widgetTokens.create({
    subject: account.id,
    scopes: [...QUOTE_SCOPES],
    origin,
  });
  // renderQuote refuses a quote of another customer (the token's subject) as `not_found`.
  const widget = await renderQuote({
    quote,
    token,
    apiBase: apiUrl,
    tokenUrl: '/api/widget-token',
  });
  return c.html(page(`Quote ${quote.number}`, await widget.text()));
});

// The widget refreshes the handed-over token here before it expires.
app.post('/api/widget-token', async (c) => {
  const body = await c.req.json<{ session_id?: string; dpop_jkt?: string }>().catch(() => ({}));
  const account = await tessera.accounts.get(customerId);
  const minted = await tessera.widgetTokens.create({
    subject: account.id,
    scopes: [...QUOTE_SCOPES],
    origin,
    ...('session_id' in body && body.session_id ? { sessionId: body.session_id } : {}),
    ...('dpop_jkt' in body && body.dpop_jkt ? { dpopJkt: body.dpop_jkt } : {}),
  });
  return c.json({ token: minted.token, expires_at: minted.expires_at });
});

app.onError((error, c) => {
  // The partner API's refusal of an unknown or malformed id, or the renderer's of a quote that
  // is not the token's customer's: both are "no such quote" to the customer.
  const code = isTesseraError(error) ? error.code : (error as { code?: unknown }).code;
  if (code === 'not_found' || code === 'validation_failed') {
    return c.html(page('Not found', '<p>There is no such quote.</p>'), 404);
  }
  console.error(error);
  return c.html(page('Sorry', '<p>The quote cannot be shown just now. Please try again.</p>'), 503);
});

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(title)}</title>
    <script type="module" src="/assets/client.js"></script>
  </head>
  <body>
    <main>
      <h1>Your quote</h1>
      ${body}
      <p role="status" id="outcome"></p>
    </main>
  </body>
</html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`Shop listening on http://${host}:${info.port}`);
});
