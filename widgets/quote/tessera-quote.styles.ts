import { css } from 'lit';

/** `<tessera-quote>`'s own look, over the shared theme (`widgets/core/theme.ts`). */
export const styles = css`
  [part~='header'] p {
    margin-block: 0 var(--_spacing);
    color: var(--_muted);
  }

  .table {
    overflow-x: auto;
    margin-block-end: var(--_spacing);
  }

  table {
    inline-size: 100%;
    border-collapse: collapse;
  }

  th,
  td {
    padding-block: 0.375em;
    padding-inline: 0.5em;
    text-align: start;
    border-block-end: 1px solid var(--_border);
  }

  .number {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }

  tfoot th {
    font-weight: normal;
    text-align: end;
  }

  [part~='total'] th,
  [part~='total'] td {
    font-weight: bold;
  }

  /* Numbers never break inside; on a narrow widget they move under their description instead. */
  .number {
    white-space: nowrap;
  }

  /*
   * A narrow widget shows each line item as a stacked row: the description, then quantity, unit
   * price and amount each beside its column's name (from data-label). The header row stays for
   * screen readers, which read the table as a table in either layout.
   */
  @container tessera (max-width: 32rem) {
    thead {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }

    table,
    tbody,
    tfoot,
    tr {
      display: block;
    }

    tbody tr {
      padding-block: 0.375em;
      border-block-end: 1px solid var(--_border);
    }

    tbody td {
      display: block;
      border: 0;
      padding-block: 0.125em;
      padding-inline: 0;
    }

    tbody td:first-child {
      font-weight: bold;
    }

    tbody td.number {
      display: flex;
      justify-content: space-between;
      gap: 1em;
      white-space: normal;
    }

    tbody td.number::before {
      content: attr(data-label);
      color: var(--_muted);
      text-align: start;
    }

    tfoot tr {
      display: flex;
      justify-content: space-between;
      gap: 1em;
      border-block-end: 1px solid var(--_border);
    }

    tfoot th,
    tfoot td {
      display: block;
      border: 0;
      padding-inline: 0;
    }
  }

  [part~='danger-button'] {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_background);
  }
`;
