import { html, type TemplateResult } from 'lit';
import type { FieldConflict } from './account.draft.ts';

/** What the conflict table shows and does, from `<tessera-account>`. */
export interface ConflictView {
  conflicts: readonly FieldConflict[];
  /** The column headings: the field, the values saved elsewhere, the customer's own. */
  headings: readonly [field: string, theirs: string, mine: string];
  /** A field's label, and its value as the customer reads it (which country's regions). */
  label: (conflict: FieldConflict) => string;
  theirs: (conflict: FieldConflict) => string;
  mine: (conflict: FieldConflict) => string;
  keepMine: string;
  takeTheirs: string;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}

/**
 * Each field changed elsewhere since the draft began, theirs beside the customer's, and the two
 * ways out: loaded when a save first meets a conflict (rare), not with the account.
 */
export function renderConflict(view: ConflictView): TemplateResult {
  const [field, theirs, mine] = view.headings;
  return html`<table aria-labelledby="conflict-title" aria-describedby="conflict-text">
      <thead>
        <tr>
          <th scope="col">${field}</th>
          <th scope="col">${theirs}</th>
          <th scope="col">${mine}</th>
        </tr>
      </thead>
      <tbody>
        ${view.conflicts.map(
          (conflict) =>
            html`<tr part="conflict-field" data-field=${conflict.field}>
              <th scope="row">${view.label(conflict)}</th>
              <td>${view.theirs(conflict)}</td>
              <td>${view.mine(conflict)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <div part="actions">
      <button id="keep-mine" type="button" part="primary-button" @click=${view.onKeepMine}>
        ${view.keepMine}
      </button>
      <button id="take-theirs" type="button" @click=${view.onTakeTheirs}>${view.takeTheirs}</button>
    </div>`;
}
