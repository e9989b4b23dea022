import { randomUUID } from 'node:crypto';
import {
  PARTNER_SCOPES,
  PartnerTokenResponse,
  type PartnerAccountUpsert,
  type PartnerQuoteCreate,
} from '../../contracts/index.ts';
import { ORIGIN, type TestStack } from './helpers.ts';

/** An account body a partner would send: valid German billing details under `email`. */
export function accountBody(
  email: string,
  overrides: Partial<PartnerAccountUpsert> = {},
): PartnerAccountUpsert {
  return {
    legal_name: 'Acme GmbH',
    billing_email: email,
    billing_address: { line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' },
    currency: 'EUR',
    ...overrides,
  };
}

/** A quote body for `external_id`: two lines, 2 × 500 + 1 × 250, tax 238, valid for a week. */
export function quoteBody(
  account: { external_id: string } | { account_id: string },
  overrides: Partial<PartnerQuoteCreate> = {},
): PartnerQuoteCreate {
  return {
    ...account,
    currency: 'EUR',
    line_items: [
      { description: 'Seats', quantity: 2, unit_amount: 500 },
      { description: 'Setup', quantity: 1, unit_amount: 250 },
    ],
    tax: 238,
    valid_until: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    ...overrides,
  };
}

/** A second partner of the same token service, and a partner token of its own. */
export async function otherPartner(stack: TestStack): Promise<{ id: string; token: string }> {
  const { partner, key } = await stack.tokenService.createPartner({
    name: 'Another Shop',
    origins: [ORIGIN],
    scopes: ['quote:read'],
  });
  const response = await fetch(`${stack.tokenService.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: partner.id,
      client_secret: key.secret,
      scope: PARTNER_SCOPES.join(' '),
    }).toString(),
  });
  if (response.status !== 200) throw new Error(`/oauth/token answered ${response.status}`);
  return {
    id: partner.id,
    token: PartnerTokenResponse.parse(await response.json()).access_token,
  };
}

/** A partner's call with a fresh Idempotency-Key unless one is given. */
export function partnerCall(stack: TestStack, token: string) {
  return (
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    stack.call(method, path, {
      token,
      ...(opts.body === undefined ? {} : { body: opts.body }),
      headers: {
        ...(method === 'GET' ? {} : { 'idempotency-key': randomUUID() }),
        ...opts.headers,
      },
    });
}
