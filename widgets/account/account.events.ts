import type { Account } from '../../contracts/v1/account.ts';
import type { AccountField } from './account.draft.ts';
import type { AccountStatus } from './account.controller.ts';

/** `tessera-ready` from `<tessera-account>`: the account as loaded. */
export interface AccountReadyDetail {
  widget: 'account';
  status: AccountStatus;
  account: Account;
  /** The token lacks `account:write`: the widget shows the account without an Edit button. */
  readOnly: boolean;
}

/** `tessera-success` from `<tessera-account>`: the account after the customer's saved change. */
export interface AccountSuccessDetail {
  widget: 'account';
  action: 'update';
  account: Account;
  /** The fields the customer changed. */
  changed: AccountField[];
}

declare module '../core/events.ts' {
  interface TesseraReadyDetails {
    account: AccountReadyDetail;
  }
  interface TesseraSuccessDetails {
    account: AccountSuccessDetail;
  }
}
