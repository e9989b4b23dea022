import type { ApiClient } from '../core/api-client.ts';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { Account as AccountSchema, type Account } from '../../contracts/v1/account.ts';
import { CountryList, type Country } from '../../contracts/v1/reference.ts';
import { TesseraElement } from '../core/element.ts';
import { attributeScopes, serverResource } from '../core/server-data.ts';
import { formField, type ControlAria } from '../core/field.ts';
import type { WidgetError } from '../core/errors.ts';
import { themeStyles } from '../core/theme.ts';
import { AccountController, type AccountState, type InitialAccount } from './account.controller.ts';
import type {
  AccountDraft,
  AccountField,
  AccountFieldError,
  AccountFieldErrors,
  FieldConflict,
} from './account.draft.ts';
import { messages, type MessageId } from './account.messages.ts';
import { styles } from './tessera-account.styles.ts';

/** Each field's element id, in form order (the first invalid one gets focus). */
const FIELD_IDS: Record<AccountField, string> = {
  legalName: 'legal-name',
  billingEmail: 'billing-email',
  phone: 'phone',
  taxId: 'tax-id',
  line1: 'line1',
  line2: 'line2',
  postalCode: 'postal-code',
  city: 'city',
  country: 'country',
  region: 'region',
};

/** Each field's label is `account.<field>` in the catalogues. */
const label = (field: AccountField) => `account.${field}` as const satisfies MessageId;

const FIELD_MESSAGES: Record<AccountFieldError['code'], MessageId> = {
  required: 'field.required',
  too_long: 'field.tooLong',
  invalid_email: 'field.invalidEmail',
  invalid_phone: 'account.invalidPhone',
  invalid_tax_id: 'account.invalidTaxId',
  invalid_country: 'account.invalidCountry',
  invalid_region: 'account.invalidRegion',
  cannot_remove: 'account.cannotRemove',
  invalid: 'field.invalid',
};

/** Errors the customer can act on, in their language; anything else shows the API's message. */

type FieldOptions = {
  type?: 'text' | 'email' | 'tel';
  autocomplete: string;
  required?: boolean;
  hint?: MessageId;
};

/** The form's fields in order, split by fieldset. */
const CONTACT_FIELDS: readonly [AccountField, FieldOptions][] = [
  ['legalName', { autocomplete: 'organization', required: true }],
  ['billingEmail', { type: 'email', autocomplete: 'email', required: true }],
  ['phone', { type: 'tel', autocomplete: 'tel', hint: 'account.phoneHint' }],
  ['taxId', { autocomplete: 'off' }],
];
const ADDRESS_FIELDS: readonly [AccountField, FieldOptions][] = [
  ['line1', { autocomplete: 'address-line1', required: true }],
  ['line2', { autocomplete: 'address-line2' }],
  ['postalCode', { autocomplete: 'postal-code', required: true }],
  ['city', { autocomplete: 'address-level2', required: true }],
];

/** The states holding what the customer typed. */
const DRAFT = new Set(['editing', 'saving', 'conflict']);

/**
 * @summary The customer's billing details, to read and, with `account:write`, to change.
 *
 * @tag tessera-account
 *
 * @attr account-id - The account to show, `acct_…` (the token's own account).
 * @attr api-base - Overrides the configuration's core API base URL.
 * @attr token-url - The partner endpoint that answers `{ token, expires_at }` (no script needed).
 * @attr locale - A BCP 47 tag: `en`, `de`, `fr`, `es` have their own strings; any tag names countries.
 * @attr appearance - `light` (default) or `dark`.
 * @attr unstyled - Drops the default look, keeping only accessibility helpers.
 *
 * @slot footer - Partner content at the end of the widget, in every state.
 *
 * @csspart base - The widget's box.
 * @csspart header - The title.
 * @csspart details - The list of billing details in view mode.
 * @csspart success - The message after a save.
 * @csspart field - Each form field with its label, hint and error (the same in every widget).
 * @csspart label - A field's label.
 * @csspart hint - A field's hint, e.g. the expected format.
 * @csspart error - A field's error text, and the error message.
 * @csspart actions - Each row of buttons.
 * @csspart primary-button - Edit, Save changes, Keep my changes, and Retry.
 * @csspart danger-button - The button that discards unsaved changes.
 * @csspart confirm - The question asked before unsaved changes are discarded.
 * @csspart conflict - The panel shown when the details were changed elsewhere meanwhile.
 * @csspart conflict-field - Each row of that panel: a detail, its new value, the customer's value.
 *
 * @cssproperty --tessera-account-font - Font family (falls back to `--tessera-font`).
 * @cssproperty --tessera-account-color - Text colour (falls back to `--tessera-color-text`).
 * @cssproperty --tessera-account-muted - Labels and hints (falls back to `--tessera-color-muted`).
 * @cssproperty --tessera-account-background - Background (falls back to `--tessera-color-background`).
 * @cssproperty --tessera-account-accent - Primary buttons and focus ring (falls back to `--tessera-color-accent`).
 * @cssproperty --tessera-account-on-accent - Text on the accent (falls back to `--tessera-color-on-accent`).
 * @cssproperty --tessera-account-danger - Errors and the discard button (falls back to `--tessera-color-danger`).
 * @cssproperty --tessera-account-success - The saved message (falls back to `--tessera-color-success`).
 * @cssproperty --tessera-account-border - Borders (falls back to `--tessera-color-border`).
 * @cssproperty --tessera-account-radius - Corner radius (falls back to `--tessera-radius`).
 * @cssproperty --tessera-account-spacing - Spacing unit (falls back to `--tessera-spacing`).
 *
 * @cssstate loading - The account is loading.
 * @cssstate ready - The account is shown (viewing, editing, saving, saved or in conflict) and nothing failed.
 * @cssstate error - Something failed: the account could not be loaded, or a save failed (the draft stays).
 * @cssstate busy - A request is under way (loading, saving).
 * @cssstate viewing - The details in view mode.
 * @cssstate editing - The form with the customer's draft.
 * @cssstate saving - The draft is being saved.
 * @cssstate saved - The changes were saved; the details in view mode with the saved message.
 * @cssstate conflict - The details were changed elsewhere meanwhile; the customer chooses.
 *
 * @fires tessera-ready - The account loaded. `detail: { widget: 'account', status, account, readOnly }`.
 * @fires tessera-change - The state changed. `detail: { status, previous }`.
 * @fires tessera-success - The changes were saved. `detail: { widget: 'account', action: 'update', account, changed, event_id }` (`event_id`: the `account.updated` event, the id your webhook receives).
 * @fires tessera-error - Something failed. `detail: { code, message, retryable, requestId, sessionId }`.
 */
export class TesseraAccount extends TesseraElement<MessageId, AccountState, AccountController> {
  protected static override busyStatuses = ['loading', 'saving'];
  protected static override restartOn = ['accountId'];
  protected static override visualStyles = [themeStyles('account'), styles];

  static override properties = {
    ...TesseraElement.properties,
    accountId: { attribute: 'account-id' },
    _confirming: { state: true },
  };

  /** The account to show, `acct_…`. */
  declare accountId: string | undefined;
  /** Whether the customer is being asked before their unsaved changes are discarded. */
  declare _confirming: boolean;

  protected readonly messages = messages;
  /** A selector to focus after the next render, or `true`: whatever the settled state calls for. */
  #focusAfter: string | true | false = false;
  #countryNames: { locale: string; names: Intl.DisplayNames | undefined } | undefined;

  constructor() {
    super();
    this._confirming = false;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const target = this.#focusAfter;
    if (typeof target === 'string') {
      this.#focusAfter = false;
      this.renderRoot.querySelector<HTMLElement>(target)?.focus();
      return;
    }
    if (!target || !changed.has('state') || this.busy) return;
    this.#focusAfter = false;
    this.renderRoot.querySelector<HTMLElement>(this.#settledFocus(this.state))?.focus();
  }

  /** Where focus goes once an action has settled: what changed, or what needs the customer. */
  #settledFocus(state: AccountState): string {
    switch (state.status) {
      case 'editing': {
        const invalid = (Object.keys(FIELD_IDS) as AccountField[]).find(
          (field) => state.fieldErrors?.[field],
        );
        if (invalid) return `#${FIELD_IDS[invalid]}`;
        return state.error ? '.message' : `#${FIELD_IDS.legalName}`;
      }
      case 'conflict':
        return '#conflict-title';
      case 'viewing':
        return '#title';
      default:
        return '.message';
    }
  }

  /** A failed save is an error shown, though the draft stays open for editing. */
  protected override stateNames(state: AccountState): string[] {
    return state.status === 'editing' && state.error ? ['editing', 'error'] : [state.status];
  }

  protected override createController(api: ApiClient): AccountController {
    this._confirming = false;
    return new AccountController({
      accountId: this.accountId ?? '',
      api,
      onEvent: (event) => this.emit(event),
      initial: this.#initialAccount(),
    });
  }

  #initialAccount(): InitialAccount | undefined {
    const data = this.takeServerData();
    const found = serverResource(data, 'account', AccountSchema, (a) => a.id === this.accountId);
    return (
      found && {
        account: found.value,
        etag: found.etag,
        countries: serverResource(data, 'countries', CountryList)?.value.data,
        scopes: attributeScopes(this.token),
      }
    );
  }

  protected override runController(controller: AccountController): Promise<unknown> {
    return controller.load();
  }

  /** A draft survives a move in the DOM (and a save in flight completes); the rest starts afresh. */
  protected override keepWhileDetached(): boolean {
    return DRAFT.has(this.state.status);
  }

  #onEdit(): void {
    this.#focusAfter = `#${FIELD_IDS.legalName}`;
    this.controller?.edit();
  }

  #onInput(event: Event): void {
    const control = event.target as HTMLInputElement | HTMLSelectElement;
    this.controller?.setField(control.name as AccountField, control.value);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.state.status !== 'editing' || this._confirming) return;
    this.#focusAfter = true;
    void this.controller?.save();
  }

  /** Leaving edit mode: at once without changes, else only after the customer confirms. */
  #onCancel(): void {
    const state = this.state;
    if (state.status !== 'editing') return;
    if (state.dirty) {
      this.#focusAfter = '#keep-editing';
      this._confirming = true;
      return;
    }
    this.#discard();
  }

  #discard(): void {
    this._confirming = false;
    this.#focusAfter = '#edit';
    this.controller?.cancel();
  }

  #keepEditing(): void {
    this._confirming = false;
    this.#focusAfter = '#cancel';
  }

  #onFormKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || this.state.status !== 'editing') return;
    event.preventDefault();
    if (this._confirming) this.#keepEditing();
    else this.#onCancel();
  }

  #onKeepMine(): void {
    this.#focusAfter = true;
    void this.controller?.keepMine();
  }

  #onTakeTheirs(): void {
    const state = this.state;
    const first = state.status === 'conflict' ? state.conflicts[0]?.field : undefined;
    const next = this.controller?.takeTheirs();
    this.#focusAfter =
      next?.status === 'editing' && first ? `#${FIELD_IDS[first]}` : next ? '#title' : false;
  }

  #onRetry(): void {
    this.#focusAfter = true;
    if (this.controller) void this.controller.retry();
    else this.restart();
  }

  override render(): TemplateResult {
    const state = this.state;
    return html`
      <section part="base" class=${this.resolvedAppearance} aria-labelledby="title">
        <div aria-busy=${this.busy ? 'true' : 'false'}>${this.#renderBody(state)}</div>
        <slot name="footer"></slot>
        <div class="visually-hidden" role="status" aria-live="polite">
          ${this.#announcement(state)}
        </div>
      </section>
    `;
  }

  #renderBody(state: AccountState): TemplateResult {
    switch (state.status) {
      case 'loading':
        return html`<h2 id="title" class="message" tabindex="-1">${this.t('account.loading')}</h2>`;
      case 'viewing':
      case 'saved':
        return html`${this.#header()}
        ${
          state.status === 'saved'
            ? html`<p part="success" class="message" tabindex="-1">${this.t('account.saved')}</p>`
            : nothing
        }
        ${this.#renderDetails(state.account)}
        ${
          state.readOnly
            ? html`<p class="note">${this.t('account.readOnly')}</p>`
            : html`${this.scriptNotice()}
                <div part="actions">
                  <button id="edit" type="button" part="primary-button" @click=${this.#onEdit}>
                    ${this.t('account.edit')}
                  </button>
                </div>`
        }`;
      case 'editing':
      case 'saving':
        return html`${this.#header()}
        ${this.#renderForm(
          state.draft,
          state.status === 'saving',
          state.status === 'editing' ? state.fieldErrors : undefined,
          state.status === 'editing' ? state.error : undefined,
        )}`;
      case 'conflict':
        return html`${this.#header()} ${this.#renderConflict(state)}`;
      case 'error':
        return html`${this.#header(this.t('error.title'))} ${this.#renderLoadError(state.error)}`;
    }
  }

  #header(title = this.t('account.title')): TemplateResult {
    return html`<header part="header">
      <h2 id="title" tabindex="-1">${title}</h2>
    </header>`;
  }

  #announcement(state: AccountState): string {
    switch (state.status) {
      case 'loading':
        return this.t('account.loading');
      case 'editing':
        return state.fieldErrors ? this.t('account.fieldErrors') : '';
      case 'saving':
        return this.t('account.saving');
      case 'saved':
        return this.t('account.saved');
      case 'conflict':
        return this.t('account.conflictTitle');
      case 'viewing':
      case 'error':
        // Nothing new to say in view mode; an error is announced by its alert.
        return '';
    }
  }

  #countryName(code: string): string {
    const locale = this.resolvedLocale;
    if (this.#countryNames?.locale !== locale) {
      let names: Intl.DisplayNames | undefined;
      try {
        names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
      } catch {
        names = undefined;
      }
      this.#countryNames = { locale, names };
    }
    const country = this.controller?.countries?.find((c) => c.code === code);
    return this.#countryNames.names?.of(code) ?? country?.name ?? code;
  }

  #regionName(country: string, region: string): string {
    const found = this.controller?.countries
      ?.find((c) => c.code === country)
      ?.regions.find((r) => r.code === region);
    return found?.name ?? region;
  }

  /** A field's value as the customer reads it: country and region by name, empty as "Not given". */
  #display(field: AccountField, value: string, country: string): string {
    if (!value) return this.t('account.notGiven');
    if (field === 'country') return this.#countryName(value);
    if (field === 'region') return this.#regionName(country, value);
    return value;
  }

  #renderDetails(account: Account): TemplateResult {
    const address = account.billing_address;
    const row = (label: MessageId, value: TemplateResult | string) =>
      html`<div>
        <dt>${this.t(label)}</dt>
        <dd>${value}</dd>
      </div>`;
    const place = [address.postal_code, address.city].join(' ');
    const region = address.region ? this.#regionName(address.country, address.region) : '';
    return html`<dl part="details">
      ${row('account.legalName', account.legal_name)}
      ${row('account.billingEmail', account.billing_email)}
      ${row('account.phone', account.phone ?? this.t('account.notGiven'))}
      ${row(
        'account.address',
        html`${[address.line1, address.line2, place, region, this.#countryName(address.country)]
          .filter(Boolean)
          .map((line, index) => html`${index > 0 ? html`<br />` : nothing}${line}`)}`,
      )}
      ${row('account.taxId', account.tax_id ?? this.t('account.notGiven'))}
    </dl>`;
  }

  #fieldMessage(error: AccountFieldError): string {
    return this.t(FIELD_MESSAGES[error.code]);
  }

  /** The field around a control, with this field's label, hint and error. */
  #field(
    field: AccountField,
    error: AccountFieldError | undefined,
    hint: MessageId | undefined,
    control: (aria: ControlAria) => TemplateResult,
  ): TemplateResult {
    return formField(
      {
        id: FIELD_IDS[field],
        label: this.t(label(field)),
        hint: hint && this.t(hint),
        error: error && this.#fieldMessage(error),
      },
      control,
    );
  }

  #renderInput(
    field: AccountField,
    options: FieldOptions,
    draft: AccountDraft,
    errors: AccountFieldErrors | undefined,
    busy: boolean,
  ): TemplateResult {
    return this.#field(
      field,
      errors?.[field],
      options.hint,
      (aria) =>
        html`<input
          id=${FIELD_IDS[field]}
          name=${field}
          type=${options.type ?? 'text'}
          autocomplete=${options.autocomplete}
          ?required=${options.required ?? false}
          ?readonly=${busy}
          .value=${live(draft[field])}
          aria-invalid=${aria.invalid}
          aria-describedby=${aria.describedBy}
          @input=${this.#onInput}
        />`,
    );
  }

  #renderSelect(
    field: 'country' | 'region',
    choices: readonly { code: string; name: string }[],
    value: string,
    error: AccountFieldError | undefined,
    optional: boolean,
  ): TemplateResult {
    const selected = value.trim().toUpperCase();
    return this.#field(
      field,
      error,
      undefined,
      (aria) =>
        html`<select
          id=${FIELD_IDS[field]}
          name=${field}
          autocomplete=${field === 'country' ? 'country' : 'address-level1'}
          ?required=${!optional}
          aria-invalid=${aria.invalid}
          aria-describedby=${aria.describedBy}
          @change=${this.#onInput}
        >
          ${
            optional
              ? html`<option value="" .selected=${live(selected === '')}>
                  ${this.t('account.regionNone')}
                </option>`
              : nothing
          }
          ${choices.map(
            (choice) =>
              html`<option value=${choice.code} .selected=${live(choice.code === selected)}>
                ${choice.name}
              </option>`,
          )}
        </select>`,
    );
  }

  /**
   * Country and region as lists when the reference data loaded, countries named in the
   * customer's language; as codes to type when it did not, so the form works either way.
   */
  #renderPlace(
    countries: readonly Country[] | undefined,
    draft: AccountDraft,
    errors: AccountFieldErrors | undefined,
    busy: boolean,
  ): TemplateResult {
    if (!countries) {
      return html`${this.#renderInput(
        'country',
        { autocomplete: 'country', required: true, hint: 'account.countryHint' },
        draft,
        errors,
        busy,
      )}
      ${this.#renderInput(
        'region',
        { autocomplete: 'address-level1', hint: 'account.regionHint' },
        draft,
        errors,
        busy,
      )}`;
    }
    const code = draft.country.trim().toUpperCase();
    const named = countries
      .map((c) => ({ code: c.code, name: this.#countryName(c.code) }))
      .sort((a, b) => a.name.localeCompare(b.name, this.resolvedLocale));
    if (code && !named.some((c) => c.code === code)) named.unshift({ code, name: code });
    const regions = countries.find((c) => c.code === code)?.regions ?? [];
    return html`${this.#renderSelect('country', named, draft.country, errors?.country, false)}
    ${
      regions.length > 0 || draft.region
        ? this.#renderSelect('region', regions, draft.region, errors?.region, true)
        : nothing
    }`;
  }

  #renderForm(
    draft: AccountDraft,
    busy: boolean,
    errors: AccountFieldErrors | undefined,
    error: WidgetError | undefined,
  ): TemplateResult {
    const confirming = this._confirming;
    const inputs = (fields: readonly [AccountField, FieldOptions][]) =>
      fields.map(([field, options]) => this.#renderInput(field, options, draft, errors, busy));
    return html`
      <form
        novalidate
        aria-labelledby="title"
        @submit=${this.#onSubmit}
        @keydown=${this.#onFormKeydown}
      >
        ${error ? this.#renderSaveError(error) : nothing}
        <fieldset ?inert=${confirming}>
          <legend>${this.t('account.contact')}</legend>
          ${inputs(CONTACT_FIELDS)}
        </fieldset>
        <fieldset ?inert=${confirming}>
          <legend>${this.t('account.address')}</legend>
          ${inputs(ADDRESS_FIELDS)}
          ${this.#renderPlace(this.controller?.countries, draft, errors, busy)}
        </fieldset>
        ${confirming ? this.#renderConfirm() : this.#renderFormActions(busy)}
      </form>
    `;
  }

  #renderFormActions(busy: boolean): TemplateResult {
    const disabled = busy ? 'true' : 'false';
    return html`<div part="actions">
      <button type="submit" part="primary-button" aria-disabled=${disabled}>
        ${this.t('account.save')}
      </button>
      <button id="cancel" type="button" aria-disabled=${disabled} @click=${this.#onCancel}>
        ${this.t('account.cancel')}
      </button>
    </div>`;
  }

  #renderConfirm(): TemplateResult {
    return html`<div
      part="confirm"
      role="alertdialog"
      aria-labelledby="discard-title"
      aria-describedby="discard-text"
    >
      <h3 id="discard-title">${this.t('account.discardTitle')}</h3>
      <p id="discard-text">${this.t('account.discardText')}</p>
      <div part="actions">
        <button id="discard" type="button" part="danger-button" @click=${this.#discard}>
          ${this.t('account.discard')}
        </button>
        <button id="keep-editing" type="button" @click=${this.#keepEditing}>
          ${this.t('account.keepEditing')}
        </button>
      </div>
    </div>`;
  }

  #renderConflict(state: Extract<AccountState, { status: 'conflict' }>): TemplateResult {
    const theirCountry = state.account.billing_address.country;
    const myCountry = state.draft.country.trim().toUpperCase();
    return html`<div part="conflict" role="group" aria-labelledby="conflict-title">
      <h3 id="conflict-title" class="message" tabindex="-1">${this.t('account.conflictTitle')}</h3>
      <p id="conflict-text">${this.t('account.conflictText')}</p>
      <table aria-labelledby="conflict-title" aria-describedby="conflict-text">
        <thead>
          <tr>
            <th scope="col">${this.t('account.conflictField')}</th>
            <th scope="col">${this.t('account.theirs')}</th>
            <th scope="col">${this.t('account.mine')}</th>
          </tr>
        </thead>
        <tbody>
          ${state.conflicts.map(
            (conflict: FieldConflict) =>
              html`<tr part="conflict-field" data-field=${conflict.field}>
                <th scope="row">${this.t(label(conflict.field))}</th>
                <td>${this.#display(conflict.field, conflict.theirs, theirCountry)}</td>
                <td>
                  ${
                    conflict.edited
                      ? this.#display(conflict.field, conflict.mine, myCountry)
                      : this.t('account.notEdited')
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div part="actions">
        <button id="keep-mine" type="button" part="primary-button" @click=${this.#onKeepMine}>
          ${this.t('account.keepMine')}
        </button>
        <button id="take-theirs" type="button" @click=${this.#onTakeTheirs}>
          ${this.t('account.takeTheirs')}
        </button>
      </div>
    </div>`;
  }

  /** The shared wording, but naming the account when it is the account that is missing. */
  #errorText(error: WidgetError): string {
    return error.code === 'not_found' ? this.t('account.errorNotFound') : this.errorText(error);
  }

  #reference(error: WidgetError): TemplateResult | typeof nothing {
    return error.requestId
      ? html`<p>${this.t('error.reference', { requestId: error.requestId })}</p>`
      : nothing;
  }

  /** A failed save above the form: the draft is still in the fields; Save sends it again. */
  #renderSaveError(error: WidgetError): TemplateResult {
    return html`<div role="alert" class="message" tabindex="-1">
      <p part="error"><strong>${this.t('account.notSaved')}</strong> ${this.#errorText(error)}</p>
      ${this.#reference(error)}
    </div>`;
  }

  #renderLoadError(error: WidgetError): TemplateResult {
    return html`
      <div role="alert" class="message" tabindex="-1">
        <p part="error">${this.#errorText(error)}</p>
        ${this.#reference(error)}
      </div>
      ${
        error.retryable
          ? html`<div part="actions">
              <button type="button" part="primary-button" @click=${this.#onRetry}>
                ${this.t('error.retry')}
              </button>
            </div>`
          : nothing
      }
    `;
  }
}
