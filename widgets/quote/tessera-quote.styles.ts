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

  [part~='danger-button'] {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_background);
  }
`;
