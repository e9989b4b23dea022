import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { OnboardingStep } from '../../contracts/v1/onboarding.ts';
import { formField } from '../core/field.ts';
import { STEPS, STEP_FIELDS, type OnboardingField } from './onboarding.fields.ts';

/** What the review shows and does, from `<tessera-onboarding>`. */
export interface ReviewView {
  /** Whether the customer may still change it: "Change" buttons and the terms box. */
  editable: boolean;
  stepTitle: (step: OnboardingStep) => string;
  fieldLabel: (field: OnboardingField) => string;
  /** A value as the review reads it back (countries, regions, currencies by name). */
  display: (field: OnboardingField) => string;
  change: string;
  changeLabel: (step: OnboardingStep) => string;
  onChange: (step: OnboardingStep) => void;
  terms: { label: string; checked: boolean; error: string | undefined };
  onTerms: (checked: boolean) => void;
}

/**
 * Every step's answers read back, and the terms to accept: the last step (and the read-only view
 * of a submitted application), loaded when first reached rather than with the first step.
 */
export function renderReview(view: ReviewView): TemplateResult {
  const { editable, terms } = view;
  return html`<div part="review">
      ${STEPS.filter((step) => step !== 'review').map(
        (step) =>
          html`<section aria-labelledby="review-${step}">
            <div class="review-heading">
              <h3 id="review-${step}">${view.stepTitle(step)}</h3>
              ${
                editable
                  ? html`<button
                      type="button"
                      class="link"
                      aria-label=${view.changeLabel(step)}
                      @click=${() => view.onChange(step)}
                    >
                      ${view.change}
                    </button>`
                  : nothing
              }
            </div>
            <dl>
              ${STEP_FIELDS[step].map(
                (field) =>
                  html`<div>
                    <dt>${view.fieldLabel(field)}</dt>
                    <dd>${view.display(field)}</dd>
                  </div>`,
              )}
            </dl>
          </section>`,
      )}
    </div>
    ${
      editable
        ? html`<slot name="terms"></slot> ${formField(
              { id: 'accept-terms', label: terms.label, error: terms.error, checkbox: true },
              (aria) =>
                html`<input
                  id="accept-terms"
                  name="acceptTerms"
                  type="checkbox"
                  required
                  .checked=${live(terms.checked)}
                  aria-invalid=${aria.invalid}
                  aria-describedby=${aria.describedBy}
                  @change=${(e: Event) => view.onTerms((e.target as HTMLInputElement).checked)}
                />`,
            )}`
        : nothing
    }`;
}
