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
  /**
   * The id of the event this action wrote, \`evt_…\`: the \`webhook-id\` your backend's webhook
   * receives and the \`id\` in the event feed, so the page's view and the backend's join on it.
   * Null when the widget did not learn it: the answer to the save was lost and the account
   * already held the change when it looked again.
   */
  event_id: string | null;
}

declare module '../core/events.ts' {
  interface TesseraReadyDetails {
    account: AccountReadyDetail;
  }
  interface TesseraSuccessDetails {
    account: AccountSuccessDetail;
  }
}
