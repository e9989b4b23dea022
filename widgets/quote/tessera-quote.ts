import type { ApiClient } from '../core/api-client.ts';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { Quote as QuoteSchema, type Quote } from '../../contracts/v1/quote.ts';
import { TesseraElement } from '../core/element.ts';
import { attributeScopes, serverResource } from '../core/server-data.ts';
import { formField } from '../core/field.ts';
import type { WidgetError } from '../core/errors.ts';
import { formatDate, formatMoney, formatNumber } from '../core/format.ts';
import { themeStyles } from '../core/theme.ts';
import {
  QuoteController,
  type FieldError,
  type FieldErrors,
  type InitialQuote,
  type QuoteField,
  type QuoteState,
} from './quote.controller.ts';
import { messages, type MessageId } from './quote.messages.ts';
import { styles } from './tessera-quote.styles.ts';

const FIELD_IDS: Record<QuoteField, string> = {
  signerName: 'signer-name',
  signerEmail: 'signer-email',
  acceptTerms: 'accept-terms',
  reason: 'decline-reason',
};

function text(value: FormDataEntryValue | null): string {
  return typeof value === 'string' ? value : '';
}

/**
 * @summary A quote the customer can read and accept or decline.
 *
 * @tag tessera-quote
 *
 * @attr quote-id - The quote to show, `qt_…`.
 * @attr api-base - Overrides the configuration's core API base URL.
 * @attr token-url - The partner endpoint that answers `{ token, expires_at }` (no script needed).
 * @attr locale - A BCP 47 tag: `en`, `de`, `fr`, `es` have their own strings; any tag formats money and dates.
 * @attr appearance - `light` (default) or `dark`.
 * @attr unstyled - Drops the default look, keeping only accessibility helpers.
 *
 * @slot terms - Partner content above the acceptance checkbox, e.g. a link to the full terms.
 * @slot footer - Partner content at the end of the widget, in every state.
 *
 * @csspart base - The widget's box.
 * @csspart header - The quote number and validity.
 * @csspart line-items - The scrollable box around the line items table.
 * @csspart line-item - Each row of the line items table.
 * @csspart total - The total row.
 * @csspart field - Each form field with its label, hint and error (the same in every widget).
 * @csspart label - A field's label.
 * @csspart hint - A field's hint, e.g. the expected format.
 * @csspart error - A field's error text, and the error message.
 * @csspart actions - The row of buttons.
 * @csspart primary-button - The Accept button, and Retry.
 * @csspart danger-button - The button that confirms the decline.
 *
 * @cssproperty --tessera-quote-font - Font family (falls back to `--tessera-font`).
 * @cssproperty --tessera-quote-color - Text colour (falls back to `--tessera-color-text`).
 * @cssproperty --tessera-quote-muted - Secondary text (falls back to `--tessera-color-muted`).
 * @cssproperty --tessera-quote-background - Background (falls back to `--tessera-color-background`).
 * @cssproperty --tessera-quote-accent - Primary button and focus ring (falls back to `--tessera-color-accent`).
 * @cssproperty --tessera-quote-on-accent - Text on the accent (falls back to `--tessera-color-on-accent`).
 * @cssproperty --tessera-quote-danger - Errors and the decline button (falls back to `--tessera-color-danger`).
 * @cssproperty --tessera-quote-success - Success messages (falls back to `--tessera-color-success`).
 * @cssproperty --tessera-quote-border - Borders (falls back to `--tessera-color-border`).
 * @cssproperty --tessera-quote-radius - Corner radius (falls back to `--tessera-radius`).
 * @cssproperty --tessera-quote-spacing - Spacing unit (falls back to `--tessera-spacing`).
 *
 * @cssstate loading - The quote is loading.
 * @cssstate ready - The quote is shown and nothing failed (open, decided, expired or read-only).
 * @cssstate error - Something failed: the quote could not be loaded, or a decision was not recorded.
 * @cssstate busy - A request is under way (loading, accepting, declining).
 * @cssstate accepting - The acceptance is being sent.
 * @cssstate declining - The decline is being sent.
 * @cssstate accepted - The quote was accepted.
 * @cssstate declined - The quote was declined.
 * @cssstate expired - The quote expired before it was decided.
 * @cssstate forbidden - The token may read the quote but not decide it (no buttons).
 *
 * @fires tessera-ready - The quote loaded. `detail: { widget: 'quote', status, quote }`.
 * @fires tessera-change - The state changed. `detail: { status, previous }`.
 * @fires tessera-success - The quote was accepted or declined. `detail: { widget: 'quote', action, quote, event_id }` (`event_id`: the `quote.accepted` or `quote.declined` event, the id your webhook receives).
 * @fires tessera-error - Something failed. `detail: { code, message, retryable, requestId, sessionId }`.
 */
export class TesseraQuote extends TesseraElement<MessageId, QuoteState, QuoteController> {
  protected static override busyStatuses = ['loading', 'accepting', 'declining'];
  protected static override restartOn = ['quoteId'];
  protected static override visualStyles = [themeStyles('quote'), styles];

  static override properties = {
    ...TesseraElement.properties,
    quoteId: { attribute: 'quote-id' },
    _declining: { state: true },
  };

  /** The quote to show, `qt_…`. */
  declare quoteId: string | undefined;
  /** Whether the decline form (with its reason) is open instead of the accept form. */
  declare _declining: boolean;

  protected readonly messages = messages;
  #typed = { signerName: '', signerEmail: '' };
  /** Set by a user action, so only its outcome moves focus; loading never steals it. */
  #focusAfter: string | true | false = false;

  constructor() {
    super();
    this._declining = false;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (typeof this.#focusAfter === 'string' && changed.has('_declining')) {
      this.renderRoot.querySelector<HTMLElement>(this.#focusAfter)?.focus();
      this.#focusAfter = false;
      return;
    }
    if (!changed.has('state') || !this.#focusAfter || this.busy) return;
    this.#focusAfter = false;
    const state = this.state;
    const invalid =
      state.status === 'ready'
        ? (Object.keys(FIELD_IDS) as QuoteField[]).find((field) => state.fieldErrors?.[field])
        : undefined;
    const target = invalid
      ? `#${FIELD_IDS[invalid]}`
      : state.status === 'ready' && !state.changed
        ? '#title'
        : '.message';
    this.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }

  protected override createController(api: ApiClient): QuoteController {
    this._declining = false;
    return new QuoteController({
      quoteId: this.quoteId ?? '',
      api,
      onEvent: (event) => this.emit(event),
      initial: this.#initialQuote(),
    });
  }

  #initialQuote(): InitialQuote | undefined {
    const found = serverResource(
      this.takeServerData(),
      'quote',
      QuoteSchema,
      (quote) => quote.id === this.quoteId,
    );
    return found && { quote: found.value, etag: found.etag, scopes: attributeScopes(this.token) };
  }

  protected override runController(controller: QuoteController): Promise<unknown> {
    return controller.load();
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this.#focusAfter = true;
    // Kept so a form drawn afresh (after the quote changed meanwhile) shows what was typed.
    this.#typed = {
      signerName: text(data.get('signerName')),
      signerEmail: text(data.get('signerEmail')),
    };
    void this.controller?.accept({
      ...this.#typed,
      acceptTerms: data.get('acceptTerms') === 'on',
    });
  }

  #openDecline(): void {
    this.#focusAfter = `#${FIELD_IDS.reason}`;
    this._declining = true;
  }

  #closeDecline(): void {
    this.#focusAfter = '#open-decline';
    this._declining = false;
  }

  #onDecline(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    this.#focusAfter = true;
    const reason = text(data.get('reason')).trim();
    void this.controller?.decline(reason ? { reason } : {});
  }

  #onRetry(): void {
    this.#focusAfter = true;
    if (this.controller) void this.controller.retry();
    else this.restart();
  }

  override render(): TemplateResult {
    const state = this.state;
    // The live region stays outside the busy section: screen readers hold back what changes
    // inside an aria-busy subtree, so "Loading…" and "Accepting…" would never be heard.
    return html`
      <section
        part="base"
        class=${this.resolvedAppearance}
        aria-busy=${this.busy ? 'true' : 'false'}
        aria-labelledby="title"
      >
        ${this.#renderBody(state)}
        <slot name="footer"></slot>
      </section>
      <div class="visually-hidden" role="status" aria-live="polite">
        ${this.#announcement(state)}
      </div>
    `;
  }

  #renderBody(state: QuoteState): TemplateResult {
    switch (state.status) {
      case 'loading':
        return html`<h2 id="title" class="message" tabindex="-1">${this.t('quote.loading')}</h2>`;
      case 'ready':
      case 'accepting':
      case 'declining':
        return html`${this.#renderQuote(state.quote)}
        ${
          state.status === 'ready' && state.changed
            ? html`<p class="message" role="alert" tabindex="-1">${this.t('quote.changed')}</p>`
            : nothing
        }
        ${
          this._declining
            ? this.#renderDecline(
                state.status,
                'fieldErrors' in state ? state.fieldErrors : undefined,
              )
            : this.#renderForm(state.status, 'fieldErrors' in state ? state.fieldErrors : undefined)
        }`;
      case 'accepted':
      case 'declined':
      case 'expired':
        return html`${this.#renderQuote(state.quote)}
          <p class="message" tabindex="-1">${this.#outcome(state.status, state.quote)}</p>`;
      case 'forbidden':
        return html`${state.quote ? this.#renderQuote(state.quote) : this.#untitled()}
          <p class="message" tabindex="-1">${this.t('quote.forbidden')}</p>`;
      case 'error':
        return html`${state.quote ? this.#renderQuote(state.quote) : this.#untitled()}
        ${this.#renderError(state.error)}`;
    }
  }

  #untitled(): TemplateResult {
    return html`<h2 id="title">${this.t('error.title')}</h2>`;
  }

  #outcome(status: 'accepted' | 'declined' | 'expired', quote: Quote): string {
    const number = quote.number;
    if (status === 'accepted') {
      const by = quote.accepted_by
        ? ` ${this.t('quote.acceptedBy', { name: quote.accepted_by.name })}`
        : '';
      return this.t('quote.accepted', { number }) + by;
    }
    if (status === 'declined') return this.t('quote.declined', { number });
    return this.t('quote.expired', {
      number,
      date: formatDate(this.resolvedLocale, quote.valid_until),
    });
  }

  #announcement(state: QuoteState): string {
    switch (state.status) {
      case 'loading':
        return this.t('quote.loading');
      case 'ready':
        return state.fieldErrors ? this.t('quote.fieldErrors') : '';
      case 'accepting':
        return this.t('quote.accepting');
      case 'declining':
        return this.t('quote.declining');
      case 'accepted':
      case 'declined':
      case 'expired':
        return this.#outcome(state.status, state.quote);
      case 'forbidden':
        return this.t('quote.forbidden');
      case 'error':
        // The alert announces it.
        return '';
    }
  }

  #renderQuote(quote: Quote): TemplateResult {
    const locale = this.resolvedLocale;
    const money = (amount: number) => formatMoney(locale, quote.currency, amount);
    return html`
      <header part="header">
        <h2 id="title" class="title" tabindex="-1">
          ${this.t('quote.title', { number: quote.number })}
        </h2>
        <p>${this.t('quote.validUntil', { date: formatDate(locale, quote.valid_until) })}</p>
      </header>
      <!-- Stacked rows on a narrow widget (styles); a table too wide anyway scrolls inside, by keyboard too. -->
      <div
        class="table"
        part="line-items"
        role="region"
        aria-labelledby="line-items-label"
        tabindex="0"
      >
        <span id="line-items-label" class="visually-hidden">${this.t('quote.lineItems')}</span>
        <table>
          <caption class="visually-hidden">
            ${this.t('quote.lineItems')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${this.t('quote.description')}</th>
              <th scope="col" class="number">${this.t('quote.quantity')}</th>
              <th scope="col" class="number">${this.t('quote.unitPrice')}</th>
              <th scope="col" class="number">${this.t('quote.amount')}</th>
            </tr>
          </thead>
          <tbody>
            ${quote.line_items.map(
              (item) => html`
                <tr part="line-item">
                  <td>${item.description}</td>
                  <td class="number" data-label=${this.t('quote.quantity')}>
                    ${formatNumber(locale, item.quantity)}
                  </td>
                  <td class="number" data-label=${this.t('quote.unitPrice')}>
                    ${money(item.unit_amount)}
                  </td>
                  <td class="number" data-label=${this.t('quote.amount')}>${money(item.amount)}</td>
                </tr>
              `,
            )}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colspan="3">${this.t('quote.subtotal')}</th>
              <td class="number">${money(quote.subtotal)}</td>
            </tr>
            <tr>
              <th scope="row" colspan="3">${this.t('quote.tax')}</th>
              <td class="number">${money(quote.tax)}</td>
            </tr>
            <tr part="total">
              <th scope="row" colspan="3">${this.t('quote.total')}</th>
              <td class="number">${money(quote.total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    `;
  }

  #fieldMessage(field: QuoteField, error: FieldError): string {
    if (field === 'acceptTerms') return this.t('field.termsRequired');
    const ids: Record<FieldError['code'], MessageId> = {
      required: 'field.required',
      too_long: 'field.tooLong',
      invalid_email: 'field.invalidEmail',
      invalid: 'field.invalid',
    };
    return this.t(ids[error.code]);
  }

  #renderField(
    field: 'signerName' | 'signerEmail',
    type: 'text' | 'email',
    autocomplete: string,
    errors: FieldErrors | undefined,
  ): TemplateResult {
    const id = FIELD_IDS[field];
    const error = errors?.[field];
    return formField(
      {
        id,
        label: this.t(field === 'signerName' ? 'quote.signerName' : 'quote.signerEmail'),
        error: error && this.#fieldMessage(field, error),
      },
      (aria) =>
        html`<input
          id=${id}
          name=${field}
          type=${type}
          autocomplete=${autocomplete}
          required
          value=${this.#typed[field]}
          aria-invalid=${aria.invalid}
          aria-describedby=${aria.describedBy}
        />`,
    );
  }

  #renderForm(status: 'ready' | 'accepting' | 'declining', errors: FieldErrors | undefined) {
    const busy = status !== 'ready';
    const termsId = FIELD_IDS.acceptTerms;
    const termsError = errors?.acceptTerms;
    return html`
      ${this.scriptNotice()}
      <form novalidate @submit=${this.#onSubmit}>
        <fieldset>
          <legend>${this.t('quote.acceptLegend')}</legend>
          ${this.#renderField('signerName', 'text', 'name', errors)}
          ${this.#renderField('signerEmail', 'email', 'email', errors)}
          <slot name="terms"></slot>
          ${formField(
            {
              id: termsId,
              label: this.t('quote.acceptTerms'),
              error: termsError && this.#fieldMessage('acceptTerms', termsError),
              checkbox: true,
            },
            (aria) =>
              html`<input
                id=${termsId}
                name="acceptTerms"
                type="checkbox"
                required
                aria-invalid=${aria.invalid}
                aria-describedby=${aria.describedBy}
              />`,
          )}
        </fieldset>
        <div part="actions">
          <button type="submit" part="primary-button" aria-disabled=${busy ? 'true' : 'false'}>
            ${this.t('quote.accept')}
          </button>
          <button
            id="open-decline"
            type="button"
            aria-disabled=${busy ? 'true' : 'false'}
            @click=${this.#openDecline}
          >
            ${this.t('quote.decline')}
          </button>
        </div>
      </form>
    `;
  }

  #renderDecline(status: 'ready' | 'accepting' | 'declining', errors: FieldErrors | undefined) {
    const busy = status !== 'ready';
    const id = FIELD_IDS.reason;
    const error = errors?.reason;
    return html`
      <form novalidate @submit=${this.#onDecline}>
        <fieldset>
          <legend>${this.t('quote.declineLegend')}</legend>
          ${formField(
            {
              id,
              label: this.t('quote.reason'),
              error: error && this.#fieldMessage('reason', error),
            },
            (aria) =>
              html`<textarea
                id=${id}
                name="reason"
                rows="3"
                maxlength="1000"
                aria-invalid=${aria.invalid}
                aria-describedby=${aria.describedBy}
              ></textarea>`,
          )}
        </fieldset>
        <div part="actions">
          <button type="submit" part="danger-button" aria-disabled=${busy ? 'true' : 'false'}>
            ${this.t('quote.confirmDecline')}
          </button>
          <button
            type="button"
            aria-disabled=${busy ? 'true' : 'false'}
            @click=${this.#closeDecline}
          >
            ${this.t('quote.back')}
          </button>
        </div>
      </form>
    `;
  }

  #renderError(error: WidgetError): TemplateResult {
    return html`
      <div role="alert" class="message" tabindex="-1">
        <p part="error">${this.errorText(error)}</p>
        ${
          error.requestId
            ? html`<p>${this.t('error.reference', { requestId: error.requestId })}</p>`
            : nothing
        }
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
