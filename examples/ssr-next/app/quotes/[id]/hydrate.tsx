'use client';

import type { QuoteSuccessDetail } from '@tessera/widgets/quote';
import { useEffect, useState } from 'react';

/** Loads the widget in the browser, hydration support first, and says what the customer did. */
export function Hydrate() {
  const [outcome, setOutcome] = useState<QuoteSuccessDetail>();
  useEffect(() => {
    // The support must be in place when the widget is defined, so that it takes over the
    // server's markup instead of rendering afresh.
    void import('@tessera/widgets/hydrate').then(() => import('@tessera/widgets/quote'));
    const heard = (event: Event) => setOutcome((event as CustomEvent<QuoteSuccessDetail>).detail);
    document.addEventListener('tessera-success', heard);
    return () => document.removeEventListener('tessera-success', heard);
  }, []);
  return (
    <p role="status" id="outcome">
      {outcome &&
        `tessera-success: ${outcome.action} ${outcome.quote.number} (${outcome.quote.status})`}
    </p>
  );
}
