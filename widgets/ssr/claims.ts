import { jwtPayload } from '../core/token-manager.ts';

/** What the renderer reads of the widget token (unverified: the core API verifies it). */
export interface WidgetTokenClaims {
  sub: string | undefined;
  origin: string | undefined;
}

export function jwtClaims(token: string): WidgetTokenClaims {
  const payload = jwtPayload(token) ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { sub: text(payload.sub), origin: text(payload.origin) };
}
