// Hydration support first: the widget must find it in place when it is defined, so that it
// takes over the markup the server rendered instead of rendering afresh.
import '@tessera/widgets/hydrate';
import '@tessera/widgets/quote';
import type { QuoteSuccessDetail } from '@tessera/widgets/quote';

document.querySelector('tessera-quote')?.addEventListener('tessera-success', (event) => {
  const { action, quote } = event.detail as QuoteSuccessDetail;
  const outcome = document.querySelector('#outcome');
  if (outcome) outcome.textContent = `tessera-success: ${action} ${quote.number} (${quote.status})`;
});
