import * as z from 'zod/mini';

/** Every permission a widget token can carry. One resource, one verb. */
export const SCOPES = [
  'quote:read',
  'quote:accept',
  'onboarding:read',
  'onboarding:write',
  'account:read',
  'account:write',
] as const;

export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
