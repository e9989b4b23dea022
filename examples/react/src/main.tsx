import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Checkout } from './checkout.tsx';

// The quote id, the core API and the partner backend's token endpoint come from the query here
// (?quote=qt_…&api=https://…&token=/token…); a real app has them from its own server.
const query = new URLSearchParams(location.search);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Checkout
      quoteId={query.get('quote') ?? ''}
      apiBase={query.get('api') ?? ''}
      tokenUrl={query.get('token') ?? ''}
    />
  </StrictMode>,
);
