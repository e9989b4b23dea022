import {
  Account,
  TesseraError,
  normaliseBillingEmail,
  type PartnerAccount,
  type PartnerAccountPage,
  type PartnerAccountUpsert,
} from '../../contracts/index.ts';
import { randomAlnum } from '../../service-kit/ids.ts';
import type { CoreRepo, PartnerAccountLink } from '../store/types.ts';
import { invalid } from './accounts.ts';
import { checkVersion, type Actor } from './actor.ts';
import { addressIssues, currencyIssues, taxIdIssues } from '../../contracts/v1/reference-data.ts';

/** The partner's view of an account: the account and the partner's id for it. */
export function presentPartnerAccount(account: Account, link: PartnerAccountLink): PartnerAccount {
  return { ...account, external_id: link.external_id };
}

const notFound = (externalId: string) =>
  new TesseraError('not_found', `You have no account with external_id ${externalId}.`);

/** The rules `PATCH /v1/accounts/:id` applies, over the whole set of editable fields. */
function fieldIssues(input: PartnerAccountUpsert) {
  return [
    ...addressIssues(input.billing_address, 'billing_address'),
    ...currencyIssues(input.currency, 'currency'),
    ...taxIdIssues(input.billing_address.country, input.tax_id, 'tax_id'),
  ];
}

/**
 * The account's editable fields as the body gives them, whole: an optional field left out is
 * cleared, as a `PUT` replaces what it names.
 */
function editable(input: PartnerAccountUpsert) {
  return {
    legal_name: input.legal_name,
    billing_email: input.billing_email,
    ...(input.phone === undefined ? {} : { phone: input.phone }),
    billing_address: input.billing_address,
    ...(input.tax_id === undefined ? {} : { tax_id: input.tax_id }),
    currency: input.currency,
  };
}

const EDITABLE_KEYS = [
  'legal_name',
  'billing_email',
  'phone',
  'billing_address',
  'tax_id',
  'currency',
] as const;

/** Whether the upsert changes anything (addresses compared field by field, key order aside). */
function changes(current: Account, next: ReturnType<typeof editable>): boolean {
  return EDITABLE_KEYS.some((key) => {
    const before = current[key];
    const after = (next as Partial<Account>)[key];
    if (typeof before === 'object' || typeof after === 'object') {
      const a = (before ?? {}) as Record<string, unknown>;
      const b = (after ?? {}) as Record<string, unknown>;
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      return [...keys].some((k) => a[k] !== b[k]);
    }
    return before !== after;
  });
}

/**
 * Creates or updates the account the partner knows as `externalId`. Refuses, as
 * `409 account_duplicate`, a billing email (trimmed, lower-cased) that another of the partner's
 * external ids already has. An update that changes nothing answers the account as it is: no new
 * version, no event.
 */
export async function upsertPartnerAccount(
  repo: CoreRepo,
  actor: Actor,
  externalId: string,
  input: PartnerAccountUpsert,
  ifMatch: number | undefined,
): Promise<{ created: boolean; account: PartnerAccount }> {
  const issues = fieldIssues(input);
  if (issues.length > 0) throw invalid(issues);
  const partnerId = actor.partnerId;
  const email = normaliseBillingEmail(input.billing_email);
  await repo.lockPartnerAccounts(partnerId);
  const link = await repo.findPartnerAccount(partnerId, { externalId });
  const holder = await repo.findPartnerAccount(partnerId, { emailNormalised: email });
  if (holder && holder.external_id !== externalId)
    throw new TesseraError(
      'account_duplicate',
      `Your account ${holder.external_id} already has this billing email.`,
      { account_id: holder.account_id, external_id: holder.external_id },
    );
  const now = actor.now.toISOString();
  if (!link) {
    // RFC 9110 §13.1.1: `If-Match` on a resource that does not exist never matches.
    if (ifMatch !== undefined)
      throw new TesseraError(
        'version_conflict',
        `You have no account ${externalId} yet: send no If-Match to create it.`,
      );
    const account = Account.parse({
      id: `acct_${randomAlnum(16)}`,
      ...editable(input),
      version: 1,
      created_at: now,
      updated_at: now,
    });
    await repo.insertAccount(account);
    await repo.linkAccount(account.id, partnerId);
    const created = await repo.insertPartnerAccount({
      partner_id: partnerId,
      external_id: externalId,
      account_id: account.id,
      billing_email_normalised: email,
      created_at: now,
    });
    return { created: true, account: presentPartnerAccount(account, created) };
  }
  const current = await repo.getAccount(link.account_id, { forUpdate: true });
  if (!current) throw notFound(externalId);
  checkVersion(current.version, ifMatch);
  const fields = editable(input);
  if (!changes(current, fields))
    return { created: false, account: presentPartnerAccount(current, link) };
  // The body replaces every editable field: phone and tax_id it leaves out are cleared.
  const account = Account.parse({
    id: current.id,
    ...fields,
    version: current.version + 1,
    created_at: current.created_at,
    updated_at: now,
  });
  await repo.updateAccount(account);
  if (email !== link.billing_email_normalised)
    await repo.updatePartnerAccountEmail(partnerId, externalId, email);
  // A partner token acts for no one account: the event names the one it changed.
  await repo.appendEvent({ ...actor.event('account.updated', account), account_id: account.id });
  return { created: false, account: presentPartnerAccount(account, link) };
}

export async function getPartnerAccount(
  repo: CoreRepo,
  partnerId: string,
  externalId: string,
): Promise<PartnerAccount> {
  const link = await repo.findPartnerAccount(partnerId, { externalId });
  const account = link && (await repo.getAccount(link.account_id));
  if (!link || !account) throw notFound(externalId);
  return presentPartnerAccount(account, link);
}

/** A page of the partner's accounts, oldest link first, read as in `GET /v1/events`. */
export async function listPartnerAccounts(
  repo: CoreRepo,
  partnerId: string,
  after: number,
  limit: number,
): Promise<PartnerAccountPage> {
  const links = await repo.listPartnerAccounts(partnerId, after, limit + 1);
  const page = links.slice(0, limit);
  const data: PartnerAccount[] = [];
  for (const link of page) {
    const account = await repo.getAccount(link.account_id);
    if (account) data.push(presentPartnerAccount(account, link));
  }
  return {
    data,
    next_cursor: page.at(-1)?.seq ?? after,
    has_more: links.length > limit,
  };
}
