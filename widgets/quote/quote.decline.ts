import { html, type TemplateResult } from 'lit';
import { formField } from '../core/field.ts';

/** What the decline form shows and does, from `<tessera-quote>`. */
export interface DeclineView {
  /** The reason field's id. */
  id: string;
  legend: string;
  label: string;
  confirm: string;
  back: string;
  /** The reason's error, in the customer's language. */
  error: string | undefined;
  busy: boolean;
  onSubmit: (event: SubmitEvent) => void;
  onBack: () => void;
}

/**
 * The form that declines a quote, with an optional reason: loaded when the customer first asks
 * to decline (most accept or leave), so the quote's first paint does without it.
 */
export function renderDecline(view: DeclineView): TemplateResult {
  const { id, error } = view;
  const busy = view.busy ? 'true' : 'false';
  return html`
    <form novalidate @submit=${view.onSubmit}>
      <fieldset>
        <legend>${view.legend}</legend>
        ${formField(
          { id, label: view.label, error },
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
        <button type="submit" part="danger-button" aria-disabled=${busy}>${view.confirm}</button>
        <button type="button" aria-disabled=${busy} @click=${view.onBack}>${view.back}</button>
      </div>
    </form>
  `;
}
