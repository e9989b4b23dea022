import type { MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { TesseraError, type Scope } from '../../contracts/index.ts';
import { applyRateLimit } from '../../service-kit/http/instrument.ts';
import { requireToken } from '../../verify/index.ts';
import type { CoreAppDeps, CoreEnv } from './context.ts';
import { simulate } from './simulate.ts';

const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `X-Tessera-Session` when it is a safe id, else nothing: it ends up in logs and events. */
export function sessionId(header: string | undefined): string | undefined {
  return header && SESSION_ID.test(header) ? header : undefined;
}

/**
 * The middleware in front of every widget route: the token with its scopes, the sandbox switch,
 * the per-customer rate limit, and (for resources) the account link.
 */
export function accessGuard(deps: CoreAppDeps) {
  /** A token reaches resources only when its partner may act for its account; else nothing exists. */
  const linked: MiddlewareHandler<CoreEnv> = async (c, next) => {
    const { claims } = c.get('token');
    if (!(await deps.store.isLinked(claims.sub, claims.client_id)))
      throw new TesseraError('not_found', 'Nothing here for this token.');
    await next();
  };
  const gate: MiddlewareHandler<CoreEnv> = async (c, next) => {
    const { claims } = c.get('token');
    c.set('partnerId', claims.client_id);
    c.set('logFields', {
      sub: claims.sub,
      session_id: sessionId(c.req.header('x-tessera-session')),
    });
    await simulate(c, claims, deps.slowMs ?? 3000);
    const rate = await deps.limiter.consume(
      `${claims.client_id}:${claims.sub}`,
      deps.subjectRateLimit,
    );
    applyRateLimit(c, rate, `Rate limit of ${deps.subjectRateLimit.per_second}/s per customer`);
    await next();
  };
  return (scopes: readonly Scope[], linkedAccount: boolean): MiddlewareHandler<CoreEnv> =>
    every(
      requireToken(deps.verifier, ...scopes),
      gate,
      ...(linkedAccount ? [linked] : []),
    ) as MiddlewareHandler<CoreEnv>;
}
