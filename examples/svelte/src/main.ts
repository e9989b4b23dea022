import { mount } from 'svelte';
import Checkout from './Checkout.svelte';

// The quote id, the core API and the partner backend's token endpoint come from the query here
// (?quote=qt_…&api=https://…&token=/token…); a real app has them from its own server.
const query = new URLSearchParams(location.search);

mount(Checkout, {
  target: document.getElementById('app')!,
  props: {
    quoteId: query.get('quote') ?? '',
    apiBase: query.get('api') ?? '',
    tokenUrl: query.get('token') ?? '',
  },
});
