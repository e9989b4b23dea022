/** The canonical data model, v1. Imports nothing of ours; everything else imports it. */
export * from './v1/common.ts';
export * from './v1/headers.ts';
export * from './v1/etag.ts';
export * from './v1/scopes.ts';
export * from './v1/errors.ts';
export * from './v1/token.ts';
export * from './v1/partner.ts';
export * from './v1/account.ts';
export * from './v1/quote.ts';
export * from './v1/onboarding.ts';
export * from './v1/reference.ts';
export * from './v1/tax-ids.ts';
export * from './v1/events.ts';
export * from './v1/webhooks.ts';
export * from './v1/partner-api.ts';
export * from './v1/quote-pricing.ts';
export * from './v1/routes.ts';
export const CONTRACT_VERSION = 'v1';
