import { html, type TemplateResult } from 'lit';
import type { ConflictField } from './onboarding.controller.ts';

/** What the conflict table shows and does, from `<tessera-onboarding>`. */
export interface ConflictView {
  conflict: readonly ConflictField[];
  /** The column headings: the field, the values saved elsewhere, the customer's own. */
  headings: readonly [field: string, theirs: string, mine: string];
  fieldLabel: (field: ConflictField['field']) => string;
  /** A value as shown: "Accepted" or "Not given" for what is not text. */
  shown: (value: string | boolean) => string;
  useTheirs: string;
  keepMine: string;
  onResolve: (choice: 'theirs' | 'mine') => void;
}

/**
 * The answers changed elsewhere since this draft was read, theirs beside the customer's, and the
 * two ways out: loaded when a save first meets a conflict (rare), not with the form.
 */
export function renderConflict(view: ConflictView): TemplateResult {
  const [field, theirs, mine] = view.headings;
  return html`<table>
      <thead>
        <tr>
          <th scope="col">${field}</th>
          <th scope="col">${theirs}</th>
          <th scope="col">${mine}</th>
        </tr>
      </thead>
      <tbody>
        ${view.conflict.map(
          (c) =>
            html`<tr>
              <th scope="row">${view.fieldLabel(c.field)}</th>
              <td>${view.shown(c.theirs)}</td>
              <td>${view.shown(c.mine)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <div part="actions">
      <button type="button" part="primary-button" @click=${() => view.onResolve('theirs')}>
        ${view.useTheirs}
      </button>
      <button type="button" @click=${() => view.onResolve('mine')}>${view.keepMine}</button>
    </div>`;
}
