import type { ApiClient } from '../core/api-client.ts';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { OnboardingApplication, type OnboardingStep } from '../../contracts/v1/onboarding.ts';
import { CountryList, CurrencyList } from '../../contracts/v1/reference.ts';
import { TesseraElement } from '../core/element.ts';
import { attributeScopes, serverResource } from '../core/server-data.ts';
import { formField } from '../core/field.ts';
import type { WidgetError } from '../core/errors.ts';
import { themeStyles } from '../core/theme.ts';
import {
  OnboardingController,
  type InitialOnboarding,
  type ConflictField,
  type OnboardingForm,
  type OnboardingState,
} from './onboarding.controller.ts';
import {
  FIELDS,
  STEPS,
  STEP_FIELDS,
  stepOf,
  type FieldError,
  type OnboardingField,
  type TextField,
} from './onboarding.fields.ts';
import { messages, type MessageId } from './onboarding.messages.ts';
import { taxIdFormat } from './tax-id.ts';
import { styles } from './tessera-onboarding.styles.ts';

/** `legalName` → `legal-name`: the id of the field's control in the shadow root. */
const idOf = (field: OnboardingField) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const ERROR_MESSAGES: Record<FieldError['code'], MessageId> = {
  required: 'field.required',
  too_long: 'field.tooLong',
  invalid_email: 'field.invalidEmail',
  invalid_phone: 'onboarding.error.phone',
  invalid_tax_id: 'onboarding.error.taxIdAny',
  unknown_country: 'onboarding.error.country',
  unknown_region: 'onboarding.error.region',
  unknown_currency: 'onboarding.error.currency',
  terms_required: 'field.termsRequired',
  invalid: 'field.invalid',
};

interface Control {
  type?: 'text' | 'email' | 'tel';
  autocomplete?: string;
  /** For a `<select>`: value and label of each choice; an empty first choice is added. */
  options?: readonly { value: string; label: string }[];
  hint?: string | undefined;
  optional?: boolean;
}

/**
 * @summary A business's onboarding, step by step: company, contact, billing, review and submit,
 * saved as a draft on every step.
 *
 * @tag tessera-onboarding
 *
 * @attr application-id - Optional: an application, `onb_…`, instead of the customer's open one (needed for a read-only view).
 * @attr api-base - Overrides the configuration's core API base URL.
 * @attr token-url - The partner endpoint that answers `{ token, expires_at }` (no script needed).
 * @attr locale - A BCP 47 tag: `en`, `de`, `fr`, `es` have their own strings; any tag names countries and currencies.
 * @attr appearance - `light` (default) or `dark`.
 * @attr unstyled - Drops the default look, keeping only accessibility helpers.
 *
 * @slot terms - Partner content above the terms checkbox on the review step, e.g. a link to the full terms.
 * @slot footer - Partner content at the end of the widget, in every state.
 *
 * @csspart base - The widget's box.
 * @csspart steps - The step indicator.
 * @csspart step - Each step in the indicator; also `current-step` and `complete-step`.
 * @csspart current-step - The step on screen, in the indicator.
 * @csspart complete-step - A step whose answers are complete, in the indicator.
 * @csspart field - Each form field with its label, hint and error (the same in every widget).
 * @csspart label - A field's label.
 * @csspart hint - A field's hint, e.g. the expected format.
 * @csspart error - A field's error text, and the error message.
 * @csspart error-summary - The list of problems shown when a step or the submission is refused.
 * @csspart conflict - The panel shown when the application was changed elsewhere.
 * @csspart review - The read-back of every answer on the review step.
 * @csspart actions - The row of buttons.
 * @csspart primary-button - Save and continue, Submit, Try again, and Use the saved values.
 *
 * @cssproperty --tessera-onboarding-font - Font family (falls back to `--tessera-font`).
 * @cssproperty --tessera-onboarding-color - Text colour (falls back to `--tessera-color-text`).
 * @cssproperty --tessera-onboarding-muted - Hints and secondary text (falls back to `--tessera-color-muted`).
 * @cssproperty --tessera-onboarding-background - Background (falls back to `--tessera-color-background`).
 * @cssproperty --tessera-onboarding-accent - Primary button, current step and focus ring (falls back to `--tessera-color-accent`).
 * @cssproperty --tessera-onboarding-on-accent - Text on the accent (falls back to `--tessera-color-on-accent`).
 * @cssproperty --tessera-onboarding-danger - Errors (falls back to `--tessera-color-danger`).
 * @cssproperty --tessera-onboarding-success - Completed steps (falls back to `--tessera-color-success`).
 * @cssproperty --tessera-onboarding-border - Borders (falls back to `--tessera-color-border`).
 * @cssproperty --tessera-onboarding-radius - Corner radius (falls back to `--tessera-radius`).
 * @cssproperty --tessera-onboarding-spacing - Spacing unit (falls back to `--tessera-spacing`).
 *
 * @cssstate loading - The application is being started or resumed.
 * @cssstate ready - The application is shown and nothing failed.
 * @cssstate error - Something failed; what was typed stays in the form.
 * @cssstate busy - A request is under way (loading, saving, submitting).
 * @cssstate editing - A step of the form, at rest.
 * @cssstate saving - A step is being saved as a draft.
 * @cssstate submitting - The application is being submitted.
 * @cssstate submitted - The application was submitted.
 * @cssstate conflict - The application was changed elsewhere; the customer chooses.
 * @cssstate forbidden - The token may not change the application (a read-only view).
 * @cssstate step-company - The company step is on screen.
 * @cssstate step-contact - The contact step is on screen.
 * @cssstate step-billing - The billing step is on screen.
 * @cssstate step-review - The review step is on screen.
 *
 * @fires tessera-ready - The application was started or resumed. `detail: { widget: 'onboarding', status, step, application }`.
 * @fires tessera-change - The state or the step changed. `detail: { status, previous, step }`.
 * @fires tessera-success - The application was submitted. `detail: { widget: 'onboarding', action: 'submit', applicationId, application, event_id }` (`event_id`: the `onboarding.submitted` event, the id your webhook receives).
 * @fires tessera-error - Something failed. `detail: { code, message, retryable, requestId, sessionId }`.
 */
export class TesseraOnboarding extends TesseraElement<
  MessageId,
  OnboardingState,
  OnboardingController
> {
  protected static override busyStatuses = ['loading', 'saving', 'submitting'];
  protected static override restartOn = ['applicationId'];
  protected static override visualStyles = [themeStyles('onboarding'), styles];

  static override properties = {
    ...TesseraElement.properties,
    applicationId: { attribute: 'application-id' },
    _saved: { state: true },
  };

  /** Optional: an application, `onb_…`, instead of the customer's open one. */
  declare applicationId: string | undefined;
  /** Set after an explicit "Save draft", for the announcement. */
  declare _saved: boolean;

  protected readonly messages = messages;
  /** Set by a user action, so only its outcome moves focus; loading never steals it. */
  #focusAfter: { step: OnboardingStep | undefined; field?: OnboardingField } | undefined;

  constructor() {
    super();
    this._saved = false;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const after = this.#focusAfter;
    if (!changed.has('state') || !after || this.busy) return;
    this.#focusAfter = undefined;
    const state = this.state;
    const form = state.form;
    let target: string | undefined;
    if (state.status === 'error' || state.status === 'conflict' || state.status === 'submitted')
      target = '.message';
    else if (form?.summary && Object.keys(form.fieldErrors).length > 0)
      target = '[part~="error-summary"]';
    else if (after.field && form?.step === stepOf(after.field)) target = `#${idOf(after.field)}`;
    else if (form && form.step !== after.step) target = '#title';
    if (target) this.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }

  /** The step on screen is a state too: `:state(step-billing)`. */
  protected override stateNames(state: OnboardingState): string[] {
    return state.form ? [state.status, `step-${state.form.step}`] : [state.status];
  }

  protected override createController(api: ApiClient): OnboardingController {
    return new OnboardingController({
      api,
      applicationId: this.applicationId,
      onEvent: (event) => this.emit(event),
      initial: this.#initialApplication(),
    });
  }

  #initialApplication(): InitialOnboarding | undefined {
    const data = this.takeServerData();
    const found = serverResource(
      data,
      'application',
      OnboardingApplication,
      (application) => !this.applicationId || application.id === this.applicationId,
    );
    const countries = serverResource(data, 'countries', CountryList)?.value.data;
    const currencies = serverResource(data, 'currencies', CurrencyList)?.value.data;
    if (!found || !countries || !currencies) return undefined;
    return {
      application: found.value,
      etag: found.etag,
      countries,
      currencies,
      scopes: attributeScopes(this.token),
    };
  }

  protected override runController(controller: OnboardingController): Promise<unknown> {
    return controller.start();
  }

  /** Runs a controller action whose outcome should get the focus. */
  #act(action: (c: OnboardingController) => Promise<unknown>, field?: OnboardingField): void {
    const controller = this.controller;
    if (!controller) return;
    this._saved = false;
    this.#focusAfter = { step: this.state.form?.step, ...(field ? { field } : {}) };
    void action(controller);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const review = this.state.form?.step === 'review';
    this.#act((c) => (review ? c.submit() : c.next()));
  }

  #onSaveDraft(): void {
    this.#act(async (c) => {
      const state = await c.saveDraft();
      this._saved = state.status === 'editing';
    });
  }

  #onRetry(): void {
    if (this.controller) this.#act((c) => c.retry());
    else this.restart();
  }

  /** An error summary link: to the field, on its own step if need be. */
  #onJump(event: Event, field: OnboardingField): void {
    event.preventDefault();
    const step = stepOf(field);
    if (step === this.state.form?.step) {
      this.renderRoot.querySelector<HTMLElement>(`#${idOf(field)}`)?.focus();
      return;
    }
    this.#act((c) => c.goTo(step), field);
  }

  #set(field: TextField, event: Event): void {
    this._saved = false;
    this.controller?.setField(field, (event.target as HTMLInputElement | HTMLSelectElement).value);
  }

  // --- rendering -------------------------------------------------------------------------------

  override render(): TemplateResult {
    const state = this.state;
    return html`
      <section part="base" class=${this.resolvedAppearance} aria-labelledby="title">
        <!-- Busy around the content only: a busy subtree would hold back the live region. -->
        <div aria-busy=${this.busy ? 'true' : 'false'}>${this.#renderBody(state)}</div>
        <slot name="footer"></slot>
        <div class="visually-hidden" role="status" aria-live="polite">
          ${this.#announcement(state)}
        </div>
      </section>
    `;
  }

  #renderBody(state: OnboardingState): TemplateResult {
    switch (state.status) {
      case 'loading':
        return html`<h2 id="title" class="message" tabindex="-1">
          ${this.t('onboarding.loading')}
        </h2>`;
      case 'submitted':
        return this.#renderSubmitted(state.form);
      case 'forbidden':
        return html`<h2 id="title">${this.t('onboarding.title')}</h2>
          <p class="message" tabindex="-1">
            ${this.t(state.form ? 'onboarding.readOnly' : 'onboarding.forbidden')}
          </p>
          ${state.form ? this.#renderReview(state.form, false) : nothing}`;
      case 'error':
        return state.form
          ? this.#renderStep(state.form, state.status, state.error)
          : html`<h2 id="title">${this.t('error.title')}</h2>
              ${this.#renderError(state.error, false)}`;
      case 'conflict':
        return html`${this.#renderProgress(state.form)} ${this.#renderHeading(state.form)}
        ${this.#renderConflict(state.conflict)}`;
      default:
        return this.#renderStep(state.form, state.status);
    }
  }

  #stepTitle(step: OnboardingStep): string {
    return this.t(`onboarding.step.${step}`);
  }

  #renderHeading(form: OnboardingForm): TemplateResult {
    return html`<h2 id="title" tabindex="-1">
      ${this.t('onboarding.stepOf', {
        n: STEPS.indexOf(form.step) + 1,
        total: STEPS.length,
        title: this.#stepTitle(form.step),
      })}
    </h2>`;
  }

  #renderProgress(form: OnboardingForm): TemplateResult {
    const navigable = this.state.status === 'editing' || this.state.status === 'error';
    return html`<nav part="steps" aria-label=${this.t('onboarding.progress')}>
      <ol>
        ${STEPS.map((step, i) => {
          const current = step === form.step;
          const done = form.application.steps[i]?.complete ?? false;
          const where = current
            ? 'onboarding.stepCurrent'
            : done
              ? 'onboarding.stepDone'
              : 'onboarding.stepTodo';
          const label = html`<span class="number" aria-hidden="true">${i + 1}</span>
            <span class="step-title">${this.#stepTitle(step)}</span>
            <span class="visually-hidden">(${this.t(where)})</span>`;
          const part = `step${current ? ' current-step' : ''}${done ? ' complete-step' : ''}`;
          return html`<li part=${part} aria-current=${current ? 'step' : nothing}>
            ${
              !current && navigable && this.controller?.canGoTo(step)
                ? html`<button
                    type="button"
                    class="link"
                    @click=${() => this.#act((c) => c.goTo(step))}
                  >
                    ${label}
                  </button>`
                : html`<span>${label}</span>`
            }
          </li>`;
        })}
      </ol>
    </nav>`;
  }

  #renderStep(form: OnboardingForm, status: OnboardingState['status'], error?: WidgetError) {
    const busy = this.busy ? 'true' : 'false';
    const review = form.step === 'review';
    const first = form.step === STEPS[0];
    return html`
      ${this.#renderProgress(form)} ${this.#renderHeading(form)}
      ${error ? this.#renderError(error, true) : nothing}
      ${form.summary ? this.#renderSummary(form) : nothing} ${this.scriptNotice()}
      <form novalidate @submit=${this.#onSubmit}>
        ${review ? this.#renderReview(form, true) : this.#renderFields(form)}
        <div part="actions">
          <button type="submit" part="primary-button" aria-disabled=${busy}>
            ${this.t(review ? 'onboarding.submit' : 'onboarding.next')}
          </button>
          ${
            first
              ? nothing
              : html`<button
                  type="button"
                  aria-disabled=${busy}
                  @click=${() => this.#act((c) => c.back())}
                >
                  ${this.t('onboarding.back')}
                </button>`
          }
          ${
            review
              ? nothing
              : html`<button type="button" aria-disabled=${busy} @click=${this.#onSaveDraft}>
                  ${this.t('onboarding.saveDraft')}
                </button>`
          }
        </div>
      </form>
    `;
  }

  #names(type: 'region' | 'currency'): Intl.DisplayNames | undefined {
    try {
      return new Intl.DisplayNames([this.resolvedLocale], { type, fallback: 'none' });
    } catch {
      return undefined;
    }
  }

  /** Countries by their name in the customer's language, in that language's order. */
  #countryOptions(form: OnboardingForm) {
    const names = this.#names('region');
    return form.countries
      .map((c) => ({ value: c.code, label: names?.of(c.code) ?? c.name }))
      .sort((a, b) => a.label.localeCompare(b.label, this.resolvedLocale));
  }

  #regionOptions(form: OnboardingForm, country: string) {
    const found = form.countries.find((c) => c.code === country);
    return found?.regions.map((r) => ({ value: r.code, label: r.name })) ?? [];
  }

  #renderFields(form: OnboardingForm): TemplateResult {
    const v = form.values;
    const countries = this.#countryOptions(form);
    const legend = html`<legend class="visually-hidden">${this.#stepTitle(form.step)}</legend>`;
    switch (form.step) {
      case 'company': {
        const format = v.country ? taxIdFormat(v.country) : undefined;
        const regions = this.#regionOptions(form, v.country);
        return html`<fieldset>
          ${legend} ${this.#field(form, 'legalName', { autocomplete: 'organization' })}
          ${this.#field(form, 'registrationNumber', { autocomplete: 'off' })}
          ${this.#field(form, 'country', { options: countries })}
          ${
            regions.length
              ? this.#field(form, 'region', { options: regions, optional: true })
              : nothing
          }
          ${this.#field(form, 'taxId', {
            autocomplete: 'off',
            hint: format && this.t('onboarding.taxIdHint', { ...format }),
          })}
        </fieldset>`;
      }
      case 'contact':
        return html`<fieldset>
          ${legend} ${this.#field(form, 'contactName', { autocomplete: 'name' })}
          ${this.#field(form, 'contactEmail', { type: 'email', autocomplete: 'email' })}
          ${this.#field(form, 'phone', {
            type: 'tel',
            autocomplete: 'tel',
            hint: this.t('onboarding.phoneHint'),
          })}
        </fieldset>`;
      default: {
        const regions = this.#regionOptions(form, v.billingCountry);
        const currencyNames = this.#names('currency');
        const currencies = form.currencies.map((c) => ({
          value: c.code,
          label: `${c.code} – ${currencyNames?.of(c.code) ?? c.name}`,
        }));
        return html`<fieldset>
          ${legend} ${this.#field(form, 'billingCountry', { options: countries })}
          ${this.#field(form, 'line1', { autocomplete: 'address-line1' })}
          ${this.#field(form, 'line2', { autocomplete: 'address-line2', optional: true })}
          ${this.#field(form, 'city', { autocomplete: 'address-level2' })}
          ${this.#field(form, 'postalCode', { autocomplete: 'postal-code' })}
          ${
            regions.length
              ? this.#field(form, 'billingRegion', { options: regions, optional: true })
              : nothing
          }
          ${this.#field(form, 'billingEmail', { type: 'email', autocomplete: 'email' })}
          ${this.#field(form, 'currency', { options: currencies })}
        </fieldset>`;
      }
    }
  }

  #field(form: OnboardingForm, field: TextField, control: Control): TemplateResult {
    const id = idOf(field);
    const value = form.values[field];
    const error = form.fieldErrors[field];
    // Options are selected one by one: a <select>'s value set before its options exist is lost.
    return formField(
      {
        id,
        label: this.t(`onboarding.field.${field}`),
        hint: control.hint,
        error: error && this.#errorText(error),
      },
      (aria) =>
        control.options
          ? html`<select
              id=${id}
              name=${field}
              ?required=${!control.optional}
              aria-invalid=${aria.invalid}
              aria-describedby=${aria.describedBy}
              @change=${(e: Event) => this.#set(field, e)}
            >
              <option value="" .selected=${live(value === '')}>
                ${this.t(control.optional ? 'onboarding.none' : 'onboarding.choose')}
              </option>
              ${control.options.map(
                (o) =>
                  html`<option value=${o.value} .selected=${live(o.value === value)}>
                    ${o.label}
                  </option>`,
              )}
            </select>`
          : html`<input
              id=${id}
              name=${field}
              type=${control.type ?? 'text'}
              autocomplete=${control.autocomplete ?? 'on'}
              ?required=${!control.optional}
              aria-invalid=${aria.invalid}
              aria-describedby=${aria.describedBy}
              .value=${live(value)}
              @input=${(e: Event) => this.#set(field, e)}
            />`,
    );
  }

  #errorText(error: FieldError): string {
    if (error.code === 'invalid_tax_id' && error.format)
      return this.t('onboarding.error.taxId', { ...error.format });
    return this.t(ERROR_MESSAGES[error.code]);
  }

  /** A value as the review reads it back: countries, regions and currencies by name. */
  #display(form: OnboardingForm, field: OnboardingField): string {
    const value = form.values[field];
    if (typeof value === 'boolean') return value ? this.t('onboarding.accepted') : '';
    if (!value.trim()) return this.t('onboarding.notGiven');
    if (field === 'country' || field === 'billingCountry')
      return this.#names('region')?.of(value) ?? value;
    if (field === 'region' || field === 'billingRegion')
      return form.countries.flatMap((c) => c.regions).find((r) => r.code === value)?.name ?? value;
    if (field === 'currency') return `${value} – ${this.#names('currency')?.of(value) ?? ''}`;
    return value;
  }

  #renderReview(form: OnboardingForm, editable: boolean): TemplateResult {
    const terms = form.fieldErrors.acceptTerms;
    return html`<div part="review">
        ${STEPS.filter((step) => step !== 'review').map(
          (step) =>
            html`<section aria-labelledby="review-${step}">
              <div class="review-heading">
                <h3 id="review-${step}">${this.#stepTitle(step)}</h3>
                ${
                  editable
                    ? html`<button
                        type="button"
                        class="link"
                        aria-label=${this.t('onboarding.changeStep', { step: this.#stepTitle(step) })}
                        @click=${() => this.#act((c) => c.goTo(step))}
                      >
                        ${this.t('onboarding.change')}
                      </button>`
                    : nothing
                }
              </div>
              <dl>
                ${STEP_FIELDS[step].map(
                  (field) =>
                    html`<div>
                      <dt>${this.t(`onboarding.field.${field}`)}</dt>
                      <dd>${this.#display(form, field)}</dd>
                    </div>`,
                )}
              </dl>
            </section>`,
        )}
      </div>
      ${
        editable
          ? html`<slot name="terms"></slot> ${formField(
                {
                  id: 'accept-terms',
                  label: this.t('onboarding.field.acceptTerms'),
                  error: terms && this.#errorText(terms),
                  checkbox: true,
                },
                (aria) =>
                  html`<input
                    id="accept-terms"
                    name="acceptTerms"
                    type="checkbox"
                    required
                    .checked=${live(form.values.acceptTerms)}
                    aria-invalid=${aria.invalid}
                    aria-describedby=${aria.describedBy}
                    @change=${(e: Event) =>
                      this.controller?.setField(
                        'acceptTerms',
                        (e.target as HTMLInputElement).checked,
                      )}
                  />`,
              )}`
          : nothing
      }`;
  }

  #renderSummary(form: OnboardingForm): TemplateResult | typeof nothing {
    const errors = FIELDS.flatMap((field) => {
      const error = form.fieldErrors[field];
      return error ? [{ field, error }] : [];
    });
    if (errors.length === 0) return nothing;
    return html`<div part="error-summary" tabindex="-1">
      <h3>${this.t('onboarding.summaryTitle')}</h3>
      <p>${this.t('onboarding.summaryText')}</p>
      <ul>
        ${errors.map(
          ({ field, error }) =>
            html`<li>
              <a href="#${idOf(field)}" @click=${(e: Event) => this.#onJump(e, field)}
                >${this.t(`onboarding.field.${field}`)}: ${this.#errorText(error)}</a
              >
            </li>`,
        )}
      </ul>
    </div>`;
  }

  #renderConflict(conflict: readonly ConflictField[]): TemplateResult {
    const shown = (value: string | boolean) =>
      typeof value === 'boolean'
        ? this.t(value ? 'onboarding.accepted' : 'onboarding.notGiven')
        : value || this.t('onboarding.notGiven');
    return html`<div part="conflict" class="message" role="alert" tabindex="-1">
      <h3>${this.t('onboarding.conflictTitle')}</h3>
      <p>${this.t('onboarding.conflictText')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">${this.t('onboarding.conflictField')}</th>
            <th scope="col">${this.t('onboarding.theirs')}</th>
            <th scope="col">${this.t('onboarding.mine')}</th>
          </tr>
        </thead>
        <tbody>
          ${conflict.map(
            (c) =>
              html`<tr>
                <th scope="row">${this.t(`onboarding.field.${c.field}`)}</th>
                <td>${shown(c.theirs)}</td>
                <td>${shown(c.mine)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div part="actions">
        <button
          type="button"
          part="primary-button"
          @click=${() => this.#act((c) => c.resolveConflict('theirs'))}
        >
          ${this.t('onboarding.useTheirs')}
        </button>
        <button type="button" @click=${() => this.#act((c) => c.resolveConflict('mine'))}>
          ${this.t('onboarding.keepMine')}
        </button>
      </div>
    </div>`;
  }

  #renderSubmitted(form: OnboardingForm): TemplateResult {
    return html`<h2 id="title" class="message" tabindex="-1">
        ${this.t('onboarding.submittedTitle')}
      </h2>
      <p>
        ${this.t('onboarding.submittedNext', {
          email: form.values.contactEmail || form.values.billingEmail,
        })}
      </p>
      <p>${this.t('onboarding.reference', { id: form.application.id })}</p>`;
  }

  #renderError(error: WidgetError, kept: boolean): TemplateResult {
    return html`<div role="alert" class="message" tabindex="-1">
      ${kept ? html`<p part="error">${this.t('onboarding.saveFailed')}</p>` : nothing}
      <p part=${kept ? nothing : 'error'}>${this.errorText(error)}</p>
      ${
        error.requestId
          ? html`<p>${this.t('error.reference', { requestId: error.requestId })}</p>`
          : nothing
      }
      ${
        error.retryable
          ? html`<div part="actions">
              <button type="button" part="primary-button" @click=${this.#onRetry}>
                ${this.t('error.retry')}
              </button>
            </div>`
          : nothing
      }
    </div>`;
  }

  #announcement(state: OnboardingState): string {
    switch (state.status) {
      case 'loading':
        return this.t('onboarding.loading');
      case 'saving':
        return this.t('onboarding.saving');
      case 'submitting':
        return this.t('onboarding.submitting');
      case 'submitted':
        return this.t('onboarding.submittedTitle');
      case 'forbidden':
        return this.t(state.form ? 'onboarding.readOnly' : 'onboarding.forbidden');
      case 'editing': {
        const form = state.form;
        if (form.summary && Object.keys(form.fieldErrors).length > 0)
          return this.t('onboarding.summaryTitle');
        if (this._saved) return this.t('onboarding.saved');
        return this.t('onboarding.stepOf', {
          n: STEPS.indexOf(form.step) + 1,
          total: STEPS.length,
          title: this.#stepTitle(form.step),
        });
      }
      default:
        // Errors and conflicts are alerts of their own.
        return '';
    }
  }
}
