import { useState, type FormEvent } from 'react';
import type { ApiClient } from '@tessera/widgets/headless';
import { useQuote } from './use-quote.ts';

/** The partner's own markup for a quote: Tessera brings the behaviour, not the look. */
export function QuoteForm({ api, quoteId }: { api: ApiClient; quoteId: string }) {
  const { state, controller, success } = useQuote(api, quoteId);
  const [signerName, setSignerName] = useState('');
  const [signerEmail, setSignerEmail] = useState('');
  const [acceptTerms, setAcceptTerms] = useState(false);

  function accept(event: FormEvent) {
    event.preventDefault();
    void controller?.accept({ signerName, signerEmail, acceptTerms });
  }

  const money = (quote: { total: number; currency: string }) =>
    new Intl.NumberFormat('en', { style: 'currency', currency: quote.currency }).format(
      quote.total / 100,
    );

  return (
    <main>
      <h1>Your quote</h1>
      {state.status === 'loading' && <p aria-busy="true">Loading your quote…</p>}
      {state.status === 'error' && <p role="alert">{state.error.message}</p>}
      {'quote' in state && state.quote && (
        <section>
          <h2>
            Quote {state.quote.number}: {money(state.quote)}
          </h2>
          <ul>
            {state.quote.line_items.map((item) => (
              <li key={item.id}>{item.description}</li>
            ))}
          </ul>
          {(state.status === 'ready' || state.status === 'accepting') && (
            <form onSubmit={accept}>
              <label>
                Your name
                <input value={signerName} onChange={(e) => setSignerName(e.target.value)} />
              </label>
              {state.status === 'ready' && state.fieldErrors?.signerName && (
                <span>{state.fieldErrors.signerName.message}</span>
              )}
              <label>
                Your email
                <input
                  type="email"
                  value={signerEmail}
                  onChange={(e) => setSignerEmail(e.target.value)}
                />
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={acceptTerms}
                  onChange={(e) => setAcceptTerms(e.target.checked)}
                />
                I accept the terms of this quote
              </label>
              <button type="submit" disabled={state.status === 'accepting'}>
                Accept quote
              </button>
            </form>
          )}
        </section>
      )}
      <p role="status" id="outcome">
        {success &&
          `tessera-success: ${success.action} ${success.quote.number} (${success.quote.status})`}
      </p>
    </main>
  );
}
