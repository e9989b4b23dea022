/**
 * A partner's shop on Express that renders `<tessera-quote>` on its server: the backend reads the
 * quote through the partner API and mints the page a widget token (`@tessera/node`), streams the
 * widget rendered by `@tessera/widgets/ssr` into the page, and serves the browser script that
 * hydrates it (dist/public/client.js, built by Vite from src/client.ts).
 */
import type { AddressInfo } from 'node:net';
import { Tessera, isTesseraError } from '@tessera/node';
import { renderQuote } from '@tessera/widgets/ssr';
import express, { type ErrorRequestHandler } from 'express';

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

const app = express();

app.use('/assets', express.static('dist/public'));

app.get('/quotes/:id', async (req, res) => {
  const [account, quote] = await Promise.all([
    tessera.accounts.get(customerId),
    tessera.quotes.get(req.params.id),
  ]);
  const { token } = await tessera.widgetTokens.create({
    subject: account.id,
    scopes: [...QUOTE_SCOPES],
    origin,
  });
  // renderQuote refuses a quote of another customer (the token's subject) as `not_found`,
  // before anything is written, so the error handler can still answer 404.
  const widget = await renderQuote({
    quote,
    token,
    apiBase: apiUrl,
    tokenUrl: '/api/widget-token',
  });
  const [head, tail] = page(`Quote ${quote.number}`);
  res.type('html').write(head);
  // The widget's HTML goes out as it is rendered; the page's end follows it.
  widget
    .stream()
    .on('end', () => res.end(tail))
    .on('error', (error) => res.destroy(error))
    .pipe(res, { end: false });
});

// The widget refreshes the handed-over token here before it expires.
app.post('/api/widget-token', express.json(), async (req, res) => {
  const body = (req.body ?? {}) as { session_id?: unknown; dpop_jkt?: unknown };
  const account = await tessera.accounts.get(customerId);
  const minted = await tessera.widgetTokens.create({
    subject: account.id,
    scopes: [...QUOTE_SCOPES],
    origin,
    ...(typeof body.session_id === 'string' ? { sessionId: body.session_id } : {}),
    ...(typeof body.dpop_jkt === 'string' ? { dpopJkt: body.dpop_jkt } : {}),
  });
  res.json({ token: minted.token, expires_at: minted.expires_at });
});

const onError: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  // The partner API's refusal of an unknown or malformed id, or the renderer's of a quote that
  // is not the token's customer's: both are "no such quote" to the customer.
  const code = isTesseraError(error) ? error.code : (error as { code?: unknown }).code;
  if (code === 'not_found' || code === 'validation_failed') {
    const [head, tail] = page('Not found');
    return void res.status(404).type('html').send(`${head}<p>There is no such quote.</p>${tail}`);
  }
  console.error(error);
  const [head, tail] = page('Sorry');
  res
    .status(503)
    .type('html')
    .send(`${head}<p>The quote cannot be shown just now. Please try again.</p>${tail}`);
};
app.use(onError);

/** The page around the widget, as its head and its tail. */
function page(title: string): [string, string] {
  const head = `<!doctype html>
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
      `;
  const tail = `
      <p role="status" id="outcome"></p>
    </main>
  </body>
</html>`;
  return [head, tail];
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const server = app.listen(port, host, () => {
  const { port: listening } = server.address() as AddressInfo;
  console.log(`Shop listening on http://${host}:${listening}`);
});
