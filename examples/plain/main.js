/* global document, location -- a page script, for the browser */
// A page without a build step. The quote id, the core API and the partner backend's token
// endpoint come from the query here (?quote=qt_…&api=https://…&token=/token…); a real page has
// them from its own server.
// The browser library (Lit inlined), as a CDN serves it: quote.js registers <tessera-quote>
// alone; tessera.js would register all three widgets.
import './quote.js';

const query = new URLSearchParams(location.search);
const quote = document.querySelector('tessera-quote');
// Properties, as any framework would set them; the attributes quote-id, api-base and token-url
// do the same.
quote.quoteId = query.get('quote') ?? '';
quote.apiBase = query.get('api') ?? '';
quote.tokenUrl = query.get('token') ?? '';

quote.addEventListener('tessera-success', (event) => {
  const { action, quote: accepted } = event.detail;
  document.querySelector('#outcome').textContent =
    `tessera-success: ${action} ${accepted.number} (${accepted.status})`;
});
