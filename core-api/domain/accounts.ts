import {
  Account,
  TesseraError,
  type AccountUpdate,
  type FieldIssue,
} from '../../contracts/index.ts';
import type { CoreRepo } from '../store/types.ts';
import { checkVersion, type Actor } from './actor.ts';
import { addressIssues, currencyIssues, taxIdIssues } from '../../contracts/v1/reference-data.ts';

export async function ownAccount(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  forUpdate = false,
): Promise<Account> {
  if (id !== actor.accountId) throw new TesseraError('not_found', `No account ${id}.`);
  const account = await repo.getAccount(id, { forUpdate });
  if (!account) throw new TesseraError('not_found', `No account ${id}.`);
  return account;
}

export function invalid(fields: FieldIssue[]): TesseraError {
  return new TesseraError(
    'validation_failed',
    `Invalid field${fields.length > 1 ? 's' : ''}: ${fields.map((f) => f.path).join(', ')}.`,
    { fields },
  );
}

/** Applies an update; the tax id is checked against the country the account will have. */
export async function updateAccount(
  repo: CoreRepo,
  actor: Actor,
  id: string,
  patch: AccountUpdate,
  ifMatch: number,
): Promise<Account> {
  const current = await ownAccount(repo, actor, id, true);
  checkVersion(current.version, ifMatch);
  const next: Account = {
    ...current,
    ...patch,
    version: current.version + 1,
    updated_at: actor.now.toISOString(),
  };
  const issues = [
    ...addressIssues(patch.billing_address, 'billing_address'),
    ...currencyIssues(patch.currency, 'currency'),
    ...(patch.tax_id !== undefined || patch.billing_address !== undefined
      ? taxIdIssues(next.billing_address.country, next.tax_id, 'tax_id')
      : []),
  ];
  if (issues.length > 0) throw invalid(issues);
  const account = Account.parse(next);
  await repo.updateAccount(account);
  await repo.appendEvent(actor.event('account.updated', account));
  return account;
}
