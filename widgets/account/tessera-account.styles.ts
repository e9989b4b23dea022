import { css } from 'lit';

/** `<tessera-account>`'s own look, over the shared theme (`widgets/core/theme.ts`). */
export const styles = css`
  [part~='details'] {
    display: grid;
    grid-template-columns: minmax(8em, max-content) 1fr;
    gap: 0.375em var(--_spacing);
    margin-block: 0 var(--_spacing);
  }

  [part~='details'] > div {
    display: contents;
  }

  dt {
    color: var(--_muted);
  }

  /* A narrow widget puts each label above its value. */
  @container tessera (max-width: 28rem) {
    [part~='details'] {
      grid-template-columns: minmax(0, 1fr);
      row-gap: 0;
    }

    [part~='details'] dd + dt {
      margin-block-start: 0.5em;
    }
  }

  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }

  .note {
    color: var(--_muted);
    margin: 0;
    font-size: 0.875em;
  }

  [part~='success'] {
    color: var(--_success);
    font-weight: bold;
    margin-block: 0 var(--_spacing);
  }

  form > [role='alert'] p {
    margin-block: 0 0.25em;
  }

  [part~='conflict'] table {
    inline-size: 100%;
    border-collapse: collapse;
    margin-block: 0.5em var(--_spacing);
  }

  [part~='conflict'] th,
  [part~='conflict'] td {
    padding-block: 0.375em;
    padding-inline: 0.5em;
    text-align: start;
    border-block-end: 1px solid var(--_border);
    overflow-wrap: anywhere;
  }

  [part~='conflict'] h3,
  [part~='confirm'] h3 {
    margin-block: 0 0.25em;
    font-size: 1.0625em;
  }

  [part~='confirm'] {
    border: 1px solid var(--_danger);
    border-radius: calc(var(--_radius) / 2);
    padding: calc(var(--_spacing) * 0.75);
  }

  [part~='confirm'] p {
    margin-block: 0 0.75em;
  }

  [part~='danger-button'] {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_background);
  }
`;
