import { html, nothing, type TemplateResult } from 'lit';

/** One form field as every widget draws it. */
export interface FieldView {
  /** The control's id; its hint and error get `<id>-hint` and `<id>-error`. */
  id: string;
  label: string;
  /** Shown above the control, e.g. the expected format. */
  hint?: string | undefined;
  /** Shown below the control, in the customer's language. */
  error?: string | undefined;
  /** A checkbox: its label follows it on one line. */
  checkbox?: boolean;
}

/** What the control must say of itself: whether it is invalid, and which texts describe it. */
export interface ControlAria {
  invalid: 'true' | 'false';
  describedBy: string | typeof nothing;
}

/**
 * The one field template: `part="field"` around `part="label"`, `part="hint"`, the control and
 * `part="error"`, so partners style the fields of every widget with the same `::part()` rules.
 * The control is the caller's (input, select, textarea), given the ARIA that ties it to its texts.
 */
export function formField(view: FieldView, control: (aria: ControlAria) => TemplateResult) {
  const { id, hint, error, checkbox } = view;
  const label = html`<label part="label" for=${id}>${view.label}</label>`;
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return html`<div part="field" class=${checkbox ? 'checkbox' : nothing}>
    ${checkbox ? nothing : label}
    ${hint ? html`<p id="${id}-hint" part="hint">${hint}</p>` : nothing}
    ${control({ invalid: error ? 'true' : 'false', describedBy: described || nothing })}
    ${checkbox ? label : nothing}
    ${error ? html`<p id="${id}-error" part="error">${error}</p>` : nothing}
  </div>`;
}
