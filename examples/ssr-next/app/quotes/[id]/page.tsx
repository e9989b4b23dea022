import { isTesseraError } from '@tessera/node';
import { renderQuote } from '@tessera/widgets/ssr';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { QUOTE_SCOPES, getShop } from '../../tessera';
import { Hydrate } from './hydrate';

// Every request: each page gets its own token, and the quote as it is now.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Your quote' };

/** The widget's HTML, or `undefined` when this customer has no such quote. */
async function quoteWidget(id: string): Promise<string | undefined> {
  const { tessera, customerId, origin, apiUrl } = getShop();
  try {
    const [account, quote] = await Promise.all([
      tessera.accounts.get(customerId),
      tessera.quotes.get(id),
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
    return await widget.text();
  } catch (error) {
    // The partner API's refusal of an unknown or malformed id, or the renderer's of a quote that
    // is not the token's customer's: both are "no such quote" to the customer.
    const code = isTesseraError(error) ? error.code : (error as { code?: unknown }).code;
    if (code === 'not_found' || code === 'validation_failed') return undefined;
    throw error;
  }
}

export default async function QuotePage({ params }: { params: Promise<{ id: string }> }) {
  const html = await quoteWidget((await params).id);
  if (html === undefined) notFound();
  return (
    <main>
      <h1>Your quote</h1>
      {/* The element with its declarative shadow root, as the renderer wrote it: React leaves
          what is inside to the element, which hydrates it itself. */}
      <div dangerouslySetInnerHTML={{ __html: html }} />
      <Hydrate />
    </main>
  );
}
