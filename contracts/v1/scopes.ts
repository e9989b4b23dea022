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

/**
 * Every permission a partner token (`POST /oauth/token`) can carry: the partner's backend acting
 * for all its linked accounts. A separate set, so no token ever holds both kinds: a widget token
 * speaks for one customer in one browser, a partner token for the partner's whole book.
 */
export const PARTNER_SCOPES = [
  'partner:accounts',
  'partner:quotes',
  'partner:events',
  'partner:webhooks',
] as const;

export const PartnerScope = z.enum(PARTNER_SCOPES);
export type PartnerScope = z.infer<typeof PartnerScope>;

export function isPartnerScope(value: string): value is PartnerScope {
  return (PARTNER_SCOPES as readonly string[]).includes(value);
}

/** What each partner scope allows, in words: the OpenAPI and the docs read this. */
export const PARTNER_SCOPE_TEXT: Readonly<Record<PartnerScope, string>> = {
  'partner:accounts': 'Create, update and read the accounts the partner knows by its own ids.',
  'partner:quotes': "Create, read and void quotes for the partner's accounts.",
  'partner:events': "Read the partner-wide event feed (every linked account's events).",
  'partner:webhooks': 'Manage webhook endpoints: create, update, pause, rotate, test, replay.',
};
