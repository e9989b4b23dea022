import { css } from 'lit';

export const styles = css`
  :host {
    --_tessera-quote-font: var(--tessera-quote-font, var(--tessera-font, system-ui, sans-serif));
    --_tessera-quote-color: var(--tessera-quote-color, var(--tessera-color-text, #1b1b1f));
    --_tessera-quote-background: var(
      --tessera-quote-background,
      var(--tessera-color-background, #ffffff)
    );
    --_tessera-quote-accent: var(--tessera-quote-accent, var(--tessera-color-accent, #1f4fd1));
    --_tessera-quote-on-accent: var(
      --tessera-quote-on-accent,
      var(--tessera-color-on-accent, #ffffff)
    );
    --_tessera-quote-danger: var(--tessera-quote-danger, var(--tessera-color-danger, #b3261e));
    --_tessera-quote-border: var(--tessera-quote-border, var(--tessera-color-border, #c4c6cf));
    --_tessera-quote-radius: var(--tessera-quote-radius, var(--tessera-radius, 0.5rem));
    --_tessera-quote-spacing: var(--tessera-quote-spacing, var(--tessera-spacing, 1rem));

    display: block;
    font-family: var(--_tessera-quote-font);
    color: var(--_tessera-quote-color);
  }

  :host([hidden]) {
    display: none;
  }

  [part='base'] {
    background: var(--_tessera-quote-background);
    border: 1px solid var(--_tessera-quote-border);
    border-radius: var(--_tessera-quote-radius);
    padding: var(--_tessera-quote-spacing);
  }

  [part='header'] h2 {
    margin-block: 0 0.25em;
    font-size: 1.25em;
  }

  [part='header'] p {
    margin-block: 0 var(--_tessera-quote-spacing);
  }

  table {
    inline-size: 100%;
    border-collapse: collapse;
    margin-block-end: var(--_tessera-quote-spacing);
  }

  th,
  td {
    padding-block: 0.375em;
    padding-inline: 0.5em;
    text-align: start;
    border-block-end: 1px solid var(--_tessera-quote-border);
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

  form {
    display: grid;
    gap: calc(var(--_tessera-quote-spacing) * 0.75);
  }

  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_tessera-quote-spacing) * 0.75);
  }

  legend {
    font-weight: bold;
    padding: 0;
    margin-block-end: 0.5em;
  }

  [part='field'] {
    display: grid;
    gap: 0.25em;
  }

  [part='field'].checkbox {
    grid-template-columns: auto 1fr;
    align-items: center;
    column-gap: 0.5em;
  }

  [part='field'].checkbox [part='error'] {
    grid-column: 1 / -1;
  }

  input[type='text'],
  input[type='email'] {
    font: inherit;
    padding-block: 0.5em;
    padding-inline: 0.75em;
    border: 1px solid var(--_tessera-quote-border);
    border-radius: calc(var(--_tessera-quote-radius) / 2);
  }

  input[aria-invalid='true'] {
    border-color: var(--_tessera-quote-danger);
  }

  [part='error'] {
    color: var(--_tessera-quote-danger);
    margin: 0;
  }

  [part='actions'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }

  button {
    font: inherit;
    padding-block: 0.5em;
    padding-inline: 1em;
    border-radius: calc(var(--_tessera-quote-radius) / 2);
    border: 1px solid var(--_tessera-quote-border);
    background: transparent;
    color: inherit;
    cursor: pointer;
  }

  [part~='primary-button'] {
    background: var(--_tessera-quote-accent);
    border-color: var(--_tessera-quote-accent);
    color: var(--_tessera-quote-on-accent);
  }

  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }

  :focus-visible {
    outline: 2px solid var(--_tessera-quote-accent);
    outline-offset: 2px;
  }

  .message:focus {
    outline: none;
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
