import { createApp } from 'vue';
import Checkout from './Checkout.vue';

// The quote id, the core API and the partner backend's token endpoint come from the query here
// (?quote=qt_…&api=https://…&token=/token…); a real app has them from its own server.
const query = new URLSearchParams(location.search);

createApp(Checkout, {
  quoteId: query.get('quote') ?? '',
  apiBase: query.get('api') ?? '',
  tokenUrl: query.get('token') ?? '',
}).mount('#app');
