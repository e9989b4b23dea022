import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

/** Bearer credential from `Authorization`, or undefined. */
export function bearer(c: Context): string | undefined {
  return bearerFrom(c.req.header('authorization'));
}

/** Bearer credential from an `Authorization` header's value, or undefined. */
export function bearerFrom(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Constant-time comparison of a presented credential with the admin token. */
export function isAdmin(credential: string | undefined, adminToken: string): boolean {
  if (!credential) return false;
  const a = Buffer.from(credential);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
