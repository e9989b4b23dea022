import { createApp } from 'vue';
import {
  createApiClient,
  createSessionId,
  fetchTokenFromUrl,
  TokenManager,
} from '@tessera/widgets/headless';
import QuoteForm from './QuoteForm.vue';

// The quote id, the core API and the partner backend's token endpoint come from the query here
// (?quote=qt_…&api=https://…&token=/token…); a real app has them from its own server.
const query = new URLSearchParams(location.search);

// One client per page: every component shares one token and one session id.
const sessionId = createSessionId();
const api = createApiClient({
  apiBase: query.get('api') ?? '',
  sessionId,
  tokens: new TokenManager({ sessionId, fetchToken: fetchTokenFromUrl(query.get('token') ?? '') }),
});

createApp(QuoteForm, { api, quoteId: query.get('quote') ?? '' }).mount('#app');
