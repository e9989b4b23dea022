import { Hono } from 'hono';
import * as z from 'zod/mini';
import { instrument } from '../../service-kit/http/instrument.ts';
import type { AppDeps, TokenServiceEnv } from './context.ts';
import { adminRoutes } from './routes/admin.ts';
import { discoveryRoutes } from './routes/discovery.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { operationRoutes } from './routes/operations.ts';
import { tokenRoutes } from './routes/tokens.ts';

export type { AppDeps } from './context.ts';

z.config(z.locales.en());

export function createApp(deps: AppDeps): Hono<TokenServiceEnv> {
  const app = new Hono<TokenServiceEnv>();
  instrument(app, deps.log, deps.metrics);
  tokenRoutes(app, deps);
  oauthRoutes(app, deps);
  discoveryRoutes(app, deps);
  operationRoutes(app, deps);
  app.route('/admin/v1', adminRoutes(deps));
  return app;
}
