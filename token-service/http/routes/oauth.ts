import type { Hono } from 'hono';
import type { AppDeps, TokenServiceEnv } from '../context.ts';
import { issuePartnerToken } from '../token-endpoints.ts';
import { endpointRequest, sendAnswer } from './answer.ts';

/**
 * `POST /oauth/token`: OAuth 2.0 client credentials for a partner's backend (token-endpoints.ts
 * says what it checks and answers). The server answers it on its fast path (fast-routes.ts);
 * this route serves the same through Hono wherever the app runs without that server.
 */
export function oauthRoutes(app: Hono<TokenServiceEnv>, deps: AppDeps): void {
  app.post('/oauth/token', async (c) =>
    sendAnswer(c, await issuePartnerToken(deps, endpointRequest(c))),
  );
}
