import type { HttpHandler } from 'msw';
import { Account, AccountUpdate, fieldIssues } from '../../contracts/index.ts';
import { addressIssues, currencyIssues, taxIdIssues } from '../../contracts/v1/reference-data.ts';
import { conflict, failure, respond, Sandbox, validationFailed, type Override } from './answers.ts';
import { ifMatch, readBody, route } from './routes.ts';

export interface AccountOverrides {
  load?: Override<Account>;
  save?: Override<Account>;
}

/**
 * One account as the reference core API keeps it (core-api/domain/accounts.ts): read, and updated
 * with `If-Match` (428 without, 412 when stale), the same cross-field rules (country, region, tax
 * id, currency from the reference data). Reset before every story.
 */
export function accountApi(initial: Account, overrides: AccountOverrides = {}): HttpHandler[] {
  const sandbox = new Sandbox(initial);
  const path = '/v1/accounts/:id';
  return [
    route(
      'get',
      path,
      (_request, params) =>
        params.id === sandbox.value.id ? respond(Account, sandbox.value) : failure('not_found'),
      { answer: overrides.load, sandbox },
    ),
    route(
      'patch',
      path,
      async (request, params) => {
        const account = sandbox.value;
        if (params.id !== account.id) return failure('not_found');
        const version = ifMatch(request);
        if (version === undefined) return failure('precondition_required');
        if (version !== account.version) return conflict(account.version);
        const parsed = AccountUpdate.safeParse(await readBody(request));
        if (!parsed.success) return validationFailed(fieldIssues(parsed.error.issues));
        const patch = parsed.data;
        const next: Account = {
          ...account,
          ...patch,
          version: account.version + 1,
          updated_at: new Date().toISOString(),
        };
        const issues = [
          ...addressIssues(patch.billing_address, 'billing_address'),
          ...currencyIssues(patch.currency, 'currency'),
          ...(patch.tax_id !== undefined || patch.billing_address !== undefined
            ? taxIdIssues(next.billing_address.country, next.tax_id, 'tax_id')
            : []),
        ];
        if (issues.length > 0) return validationFailed(issues);
        sandbox.value = next;
        return respond(Account, next);
      },
      { answer: overrides.save, sandbox },
    ),
  ];
}
