import { versionEtag } from '../../contracts/v1/etag.ts';
import { Account } from '../../contracts/v1/account.ts';
import { AccountId } from '../../contracts/v1/common.ts';
import { CountryList, type Country } from '../../contracts/v1/reference.ts';
import type { AccountUpdate } from '../../contracts/v1/account.ts';
import type { ApiClient } from '../core/api-client.ts';
import { WidgetError, type WidgetErrorDetail } from '../core/errors.ts';
import { fieldIssues } from '../core/field-issues.ts';
import { HeadlessController } from '../core/headless-controller.ts';
import {
  changedFields,
  conflictsOf,
  draftOf,
  fieldErrorsOf,
  rebase,
  validate,
  type AccountDraft,
  type AccountField,
  type AccountFieldErrors,
  type FieldConflict,
} from './account.draft.ts';
import type { AccountReadyDetail, AccountSuccessDetail } from './account.events.ts';

/**
 * Every state but `loading` carries the account as the core API last answered it. While editing,
 * `account` is the version the draft started from (its `ETag` goes as `If-Match`); in `conflict`
 * it is the newer version found, and `base` the one the draft started from.
 */
export type AccountState =
  | { status: 'loading' }
  | { status: 'viewing'; account: Account; readOnly: boolean }
  | { status: 'saved'; account: Account; readOnly: boolean }
  | {
      status: 'editing';
      account: Account;
      draft: AccountDraft;
      /** Whether saving would change anything: what an unsaved-change guard asks. */
      dirty: boolean;
      fieldErrors?: AccountFieldErrors;
      /** The last save failed; the draft is intact and `retry()` (or `save()`) sends it again. */
      error?: WidgetError;
    }
  | { status: 'saving'; account: Account; draft: AccountDraft; dirty: boolean }
  | {
      status: 'conflict';
      account: Account;
      base: Account;
      draft: AccountDraft;
      conflicts: FieldConflict[];
      error: WidgetError;
    }
  | { status: 'error'; error: WidgetError; account?: Account };

export type AccountStatus = AccountState['status'];

/** The element layer turns these into `tessera-ready`, `tessera-change`, `tessera-success`, `tessera-error`. */
export type AccountEvent =
  | { type: 'ready'; detail: AccountReadyDetail }
  | { type: 'change'; detail: { status: AccountStatus; previous: AccountStatus } }
  | { type: 'success'; detail: AccountSuccessDetail }
  | { type: 'error'; detail: WidgetErrorDetail };

export interface AccountControllerOptions {
  accountId: string;
  api: ApiClient;
  onEvent?: (event: AccountEvent) => void;
  /** An account already at hand (a server render's): the first `load()` takes it instead of fetching. */
  initial?: InitialAccount | undefined;
}

export interface InitialAccount {
  account: Account;
  /** Its `ETag`, sent as `If-Match` with a save. */
  etag?: string | undefined;
  /** The core API's countries, when read with it. */
  countries?: readonly Country[] | undefined;
  /** The token's scopes, when known: without `account:write` the account is shown read-only. */
  scopes?: readonly string[] | undefined;
}

/** Whether a token with these scopes is shown the account read-only (unknown scopes: not). */
const readOnlyFor = (scopes: readonly string[] | undefined) =>
  scopes ? !scopes.includes('account:write') : false;

/** One save: retried under the same key, so the core API applies it once. */
interface SaveAction {
  key: string;
  body: AccountUpdate;
  json: string;
  ifMatch: string;
  changed: AccountField[];
}

/** Edits merged on top of a newer version without asking, in a row, before the customer is asked. */
const MAX_REBASES = 2;

function isEditable(state: AccountState): state is Extract<AccountState, { status: 'editing' }> {
  return state.status === 'editing';
}

/**
 * The account widget without a DOM: loads the customer's account, edits a draft, validates it
 * with the contract before sending, saves with `If-Match`, and resolves a conflict with a change
 * made elsewhere only as the customer chooses. Call `load()` once to start.
 */
export class AccountController extends HeadlessController<AccountState, AccountEvent> {
  declare readonly accountId: string;
  #etag: string | undefined;
  #readOnly = false;
  #countries: readonly Country[] | undefined;
  /** The last save sent and not yet answered with success: the same draft reuses its key. */
  #pending: SaveAction | undefined;

  #initial: InitialAccount | undefined;

  constructor({ accountId, api, onEvent, initial }: AccountControllerOptions) {
    super(
      api,
      initial
        ? { status: 'viewing', account: initial.account, readOnly: readOnlyFor(initial.scopes) }
        : { status: 'loading' },
      onEvent,
    );
    this.accountId = accountId;
    this.#initial = initial;
    this.#readOnly = readOnlyFor(initial?.scopes);
    this.#countries = initial?.countries;
  }

  /** The core API's countries with their regions, once loaded; `undefined` if they could not be. */
  get countries(): readonly Country[] | undefined {
    return this.#countries;
  }

  /** Loads (or reloads) the account; ignored while a draft exists, which `cancel()` drops first. */
  async load(): Promise<AccountState> {
    const initial = this.#initial;
    if (initial) {
      // The first call with an initial account only announces it.
      this.#initial = undefined;
      this.#etag = initial.etag;
      this.emit({
        type: 'ready',
        detail: {
          widget: 'account',
          status: 'viewing',
          account: initial.account,
          readOnly: this.#readOnly,
        },
      });
      return this.getState();
    }
    const status = this.getState().status;
    if (status === 'editing' || status === 'saving' || status === 'conflict') {
      return this.getState();
    }
    const run = this.begin();
    if (!AccountId.safeParse(this.accountId).success) {
      return this.#failLoad(
        new WidgetError('configuration_invalid', 'account-id is missing or not an account id.'),
      );
    }
    this.set({ status: 'loading' });
    const signal = this.signal();
    // Reference data only improves the form (country and region lists): its failure is not the widget's.
    const countries = this.#countries
      ? Promise.resolve(this.#countries)
      : this.api.get('v1/reference/countries', CountryList, signal).then(
          ({ data }) => data.data,
          () => undefined,
        );
    try {
      const { data, etag } = await this.api.get(this.#path(), Account, signal);
      const [mayWrite, list] = await Promise.all([this.grants('account:write'), countries]);
      if (!this.isCurrent(run)) return this.getState();
      this.#etag = etag;
      this.#countries = list;
      this.#readOnly = !mayWrite;
      this.set({ status: 'viewing', account: data, readOnly: this.#readOnly });
      this.emit({
        type: 'ready',
        detail: { widget: 'account', status: 'viewing', account: data, readOnly: this.#readOnly },
      });
    } catch (error) {
      if (this.isCurrent(run)) this.#failLoad(error);
    }
    return this.getState();
  }

  /** Opens a draft of the account; nothing happens in a read-only view. */
  edit(): AccountState {
    const state = this.getState();
    if ((state.status !== 'viewing' && state.status !== 'saved') || state.readOnly) return state;
    this.set({
      status: 'editing',
      account: state.account,
      draft: draftOf(state.account),
      dirty: false,
    });
    return this.getState();
  }

  /**
   * Changes one field of the draft and clears its error. A new country drops a region that is
   * not one of its regions, which the core API would refuse.
   */
  setField(field: AccountField, value: string): AccountState {
    const state = this.getState();
    if (!isEditable(state)) return state;
    const draft = { ...state.draft, [field]: value };
    if (field === 'country' && this.#countries && draft.region) {
      const country = this.#countries.find((c) => c.code === value.trim().toUpperCase());
      const region = draft.region.trim().toUpperCase();
      if (!country?.regions.some((r) => r.code === region)) draft.region = '';
    }
    const fieldErrors = { ...state.fieldErrors };
    delete fieldErrors[field];
    if (field === 'country') delete fieldErrors.region;
    this.set({
      status: 'editing',
      account: state.account,
      draft,
      dirty: changedFields(draft, draftOf(state.account)).length > 0,
      ...(Object.keys(fieldErrors).length > 0 ? { fieldErrors } : {}),
      ...(state.error ? { error: state.error } : {}),
    });
    return this.getState();
  }

  /**
   * Validates the draft with the contract first (invalid input sets `fieldErrors` and sends
   * nothing), then sends what changed with `If-Match`. A draft without changes closes the editor.
   */
  save(): Promise<AccountState> {
    const state = this.getState();
    if (!isEditable(state)) return Promise.resolve(state);
    const checked = validate(state.draft, draftOf(state.account), this.#countries);
    if (!checked.ok) {
      this.set({
        status: 'editing',
        account: state.account,
        draft: state.draft,
        dirty: state.dirty,
        fieldErrors: checked.fieldErrors,
      });
      return Promise.resolve(this.getState());
    }
    if (checked.changed.length === 0) {
      this.#pending = undefined;
      this.set({ status: 'viewing', account: state.account, readOnly: this.#readOnly });
      return Promise.resolve(this.getState());
    }
    return this.#submit(
      this.#action(checked.body, checked.changed, state.account),
      state.account,
      state.draft,
    );
  }

  /** Drops the draft (or the conflict) and shows the account as last loaded. */
  cancel(): AccountState {
    const state = this.getState();
    if (state.status !== 'editing' && state.status !== 'conflict') return state;
    this.#pending = undefined;
    this.set({ status: 'viewing', account: state.account, readOnly: this.#readOnly });
    return this.getState();
  }

  /**
   * Resolves a conflict with the customer's values for the fields they edited (the latest values
   * for the others), and saves that over the newer version: an overwrite the customer chose.
   */
  keepMine(): Promise<AccountState> {
    const state = this.getState();
    if (state.status !== 'conflict') return Promise.resolve(state);
    const draft = rebase(draftOf(state.base), state.draft, draftOf(state.account), 'mine');
    this.set({ status: 'editing', account: state.account, draft, dirty: true });
    return this.save();
  }

  /**
   * Resolves a conflict with the latest values for the conflicting fields, keeping the customer's
   * other edits in the draft to review and save; with none left, shows the account as it is now.
   */
  takeTheirs(): AccountState {
    const state = this.getState();
    if (state.status !== 'conflict') return state;
    const latest = draftOf(state.account);
    const draft = rebase(draftOf(state.base), state.draft, latest, 'theirs');
    if (changedFields(draft, latest).length === 0) {
      this.set({ status: 'viewing', account: state.account, readOnly: this.#readOnly });
    } else {
      this.set({ status: 'editing', account: state.account, draft, dirty: true });
    }
    return this.getState();
  }

  /** Loads again after a failed load; saves again after a failed save (the same key if unchanged). */
  retry(): Promise<AccountState> {
    const state = this.getState();
    if (state.status === 'error') return this.load();
    if (isEditable(state) && state.error) return this.save();
    return Promise.resolve(state);
  }

  /** The save for this body: the pending one again when nothing changed, so a retry is applied once. */
  #action(body: AccountUpdate, changed: AccountField[], base: Account): SaveAction {
    const json = JSON.stringify(body);
    // The core API's ETag is the quoted version; used if a proxy dropped the header.
    const ifMatch = this.#etag ?? versionEtag(base.version);
    const pending = this.#pending;
    if (pending && pending.json === json && pending.ifMatch === ifMatch) return pending;
    this.#pending = { key: crypto.randomUUID(), body, json, ifMatch, changed };
    return this.#pending;
  }

  async #submit(
    action: SaveAction,
    base: Account,
    draft: AccountDraft,
    rebases = 0,
  ): Promise<AccountState> {
    const run = this.begin();
    this.set({ status: 'saving', account: base, draft, dirty: true });
    try {
      const { data, etag, eventId } = await this.api.patch(this.#path(), action.body, Account, {
        idempotencyKey: action.key,
        ifMatch: action.ifMatch,
        ...this.signal(),
      });
      if (!this.isCurrent(run)) return this.getState();
      this.#saved(data, etag, action.changed, eventId);
    } catch (caught) {
      if (!this.isCurrent(run)) return this.getState();
      const error = this.toError(caught);
      await this.#saveFailed(action, base, draft, error, run, rebases);
    }
    return this.getState();
  }

  #saved(
    account: Account,
    etag: string | undefined,
    changed: AccountField[],
    eventId: string | null,
  ): void {
    this.#etag = etag;
    this.#pending = undefined;
    this.set({ status: 'saved', account, readOnly: this.#readOnly });
    this.emit({
      type: 'success',
      detail: { widget: 'account', action: 'update', account, changed, event_id: eventId },
    });
  }

  async #saveFailed(
    action: SaveAction,
    base: Account,
    draft: AccountDraft,
    error: WidgetError,
    run: number,
    rebases: number,
  ): Promise<void> {
    const editing = { status: 'editing', account: base, draft, dirty: true } as const;
    if (error.code === 'version_conflict') {
      this.#pending = undefined;
      await this.#conflicted(base, draft, error, run, rebases, action.changed);
      return;
    }
    if (error.code === 'validation_failed') {
      this.#pending = undefined;
      const fieldErrors = fieldErrorsOf(fieldIssues(error), draft);
      if (Object.keys(fieldErrors).length > 0) {
        this.set({ ...editing, fieldErrors });
        return;
      }
    }
    if (!error.retryable) this.#pending = undefined;
    this.set({ ...editing, error });
    this.emitError(error);
  }

  /**
   * Someone saved meanwhile. With the latest version in hand, edits that do not collide with
   * theirs are merged and sent again; a collision is shown, and only the customer decides.
   */
  async #conflicted(
    base: Account,
    draft: AccountDraft,
    error: WidgetError,
    run: number,
    rebases: number,
    changed: AccountField[],
  ): Promise<void> {
    let latest: { data: Account; etag: string | undefined };
    try {
      latest = await this.api.get(this.#path(), Account, this.signal());
    } catch (caught) {
      if (!this.isCurrent(run)) return;
      // The draft stays; saving again meets the same 412 and looks again.
      const failure = this.toError(caught);
      this.set({ status: 'editing', account: base, draft, dirty: true, error: failure });
      this.emitError(failure);
      return;
    }
    if (!this.isCurrent(run)) return;
    this.#etag = latest.etag;
    const theirs = draftOf(latest.data);
    const conflicts = conflictsOf(draftOf(base), draft, theirs);
    if (conflicts.length > 0) {
      this.set({ status: 'conflict', account: latest.data, base, draft, conflicts, error });
      this.emitError(error);
      return;
    }
    const merged = rebase(draftOf(base), draft, theirs, 'mine');
    const editing = {
      status: 'editing',
      account: latest.data,
      draft: merged,
      dirty: true,
    } as const;
    const checked = validate(merged, theirs, this.#countries);
    if (!checked.ok) {
      this.set({ ...editing, fieldErrors: checked.fieldErrors });
    } else if (checked.changed.length === 0) {
      // The stored account already has every value of the draft (an earlier answer was lost,
      // and with it the id of the event that save wrote).
      this.#saved(latest.data, latest.etag, changed, null);
    } else if (rebases < MAX_REBASES) {
      const action = this.#action(checked.body, changed, latest.data);
      await this.#submit(action, latest.data, merged, rebases + 1);
    } else {
      this.set({ ...editing, error });
      this.emitError(error);
    }
  }

  #failLoad(caught: unknown): AccountState {
    const error = this.toError(caught);
    const state = this.getState();
    const account = 'account' in state ? state.account : undefined;
    this.set({ status: 'error', error, ...(account ? { account } : {}) });
    this.emitError(error);
    return this.getState();
  }

  #path(): string {
    return `v1/accounts/${encodeURIComponent(this.accountId)}`;
  }
}
