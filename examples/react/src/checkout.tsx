import { useState } from 'react';
// Registers <tessera-quote> before React creates one, so React sees its properties.
import '@tessera/widgets/quote';
import type { QuoteSuccessDetail } from '@tessera/widgets/quote';
// The tags' JSX types: properties with the elements' types, `ontessera-*` with typed details.
import type {} from '@tessera/widgets/react';

interface CheckoutProps {
  quoteId: string;
  apiBase: string;
  tokenUrl: string;
}

export function Checkout({ quoteId, apiBase, tokenUrl }: CheckoutProps) {
  const [outcome, setOutcome] = useState<QuoteSuccessDetail>();
  return (
    <main>
      <h1>Your quote</h1>
      {/* React 19 sets quoteId, apiBase and tokenUrl as properties (the element has them), and
          listens to tessera-success for the prop named on + the event's exact name. */}
      <tessera-quote
        quoteId={quoteId}
        apiBase={apiBase}
        tokenUrl={tokenUrl}
        ontessera-success={(event) => setOutcome(event.detail)}
      />
      <p role="status" id="outcome">
        {outcome &&
          `tessera-success: ${outcome.action} ${outcome.quote.number} (${outcome.quote.status})`}
      </p>
    </main>
  );
}
