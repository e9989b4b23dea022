import type { MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { TesseraError, isHeaderId, type PartnerScope, type Scope } from '../../contracts/index.ts';
import { applyRateLimit } from '../../service-kit/http/instrument.ts';
import { requirePartnerToken, requireToken, wwwAuthenticate } from '../../verify/index.ts';
import type { CoreAppDeps, CoreEnv } from './context.ts';
import { simulate } from './simulate.ts';

/** `X-Tessera-Session` when it is a safe id, else nothing: it ends up in logs and events. */
export function sessionId(header: string | undefined): string | undefined {
  return isHeaderId(header) ? header : undefined;
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
  return (
    scopes: readonly Scope[],
    linkedAccount: boolean,
    anyScope: readonly Scope[] = [],
  ): MiddlewareHandler<CoreEnv> =>
    every(
      requireToken(deps.verifier, ...scopes),
      ...(anyScope.length > 0 ? [oneScopeOf(anyScope)] : []),
      gate,
      ...(linkedAccount ? [linked] : []),
    ) as MiddlewareHandler<CoreEnv>;
}

/** Refuses a token holding none of `scopes`, as the verifier refuses one missing a scope. */
function oneScopeOf(scopes: readonly Scope[]): MiddlewareHandler<CoreEnv> {
  return async (c, next) => {
    const held = c.get('token').scopes;
    if (!scopes.some((scope) => held.has(scope))) {
      const error = new TesseraError(
        'insufficient_scope',
        `The token needs one of these scopes: ${scopes.join(' ')}.`,
        { required_scope: scopes.join(' ') },
      );
      const scheme = c.req.header('authorization')?.trim().split(/\s/, 1)[0]?.toLowerCase();
      const challenge = wwwAuthenticate(error, scheme);
      if (challenge) c.header('WWW-Authenticate', challenge);
      c.header('Cache-Control', 'no-store');
      throw error;
    }
    await next();
  };
}

/**
 * The middleware in front of every partner-API route: the partner token with its scopes, the
 * sandbox switch (test-mode partners), and the per-partner rate limit of the partner API, a
 * bucket of its own so a busy backend does not starve the partner's widgets or its minting.
 */
export function partnerGuard(deps: CoreAppDeps) {
  const gate: MiddlewareHandler<CoreEnv> = async (c, next) => {
    const { claims, partnerId } = c.get('partnerToken');
    c.set('partnerId', partnerId);
    c.set('logFields', { token_kind: 'partner' });
    await simulate(c, claims, deps.slowMs ?? 3000);
    const rate = await deps.limiter.consume(`${partnerId}:partner-api`, deps.partnerRateLimit);
    applyRateLimit(
      c,
      rate,
      `Rate limit of ${deps.partnerRateLimit.per_second}/s for the partner API`,
    );
    await next();
  };
  return (scopes: readonly PartnerScope[]): MiddlewareHandler<CoreEnv> =>
    every(requirePartnerToken(deps.partnerVerifier, ...scopes), gate);
}
