import { css } from 'lit';

/** `<tessera-onboarding>`'s own look, over the shared theme (`widgets/core/theme.ts`). */
export const styles = css`
  [part~='steps'] ol {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 1.25em;
    list-style: none;
    margin-block: 0 var(--_spacing);
    margin-inline: 0;
    padding: 0;
  }

  [part~='step'] {
    color: var(--_muted);
  }

  [part~='step'] > * {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
  }

  .number {
    display: inline-grid;
    place-items: center;
    inline-size: 1.6em;
    block-size: 1.6em;
    border-radius: 50%;
    border: 1px solid currentColor;
    font-size: 0.875em;
  }

  [part~='complete-step'] .number {
    background: var(--_success);
    border-color: var(--_success);
    color: var(--_background);
  }

  [part~='current-step'] {
    color: var(--_color);
    font-weight: bold;
  }

  [part~='current-step'] .number {
    background: var(--_accent);
    border-color: var(--_ring);
    color: var(--_on-accent);
  }

  button.link {
    border: 0;
    padding: 0;
    background: none;
    color: inherit;
    text-decoration: underline;
  }

  [part~='error-summary'],
  [part~='conflict'] {
    border: 2px solid var(--_danger);
    border-radius: calc(var(--_radius) / 2);
    padding: var(--_spacing);
    margin-block-end: var(--_spacing);
  }

  [part~='error-summary'] h3,
  [part~='conflict'] h3,
  [part~='review'] h3 {
    margin: 0;
    font-size: 1em;
  }

  [part~='error-summary'] a {
    color: var(--_danger);
  }

  [part~='conflict'] table {
    inline-size: 100%;
    border-collapse: collapse;
    margin-block: var(--_spacing);
  }

  [part~='conflict'] th,
  [part~='conflict'] td {
    padding-block: 0.375em;
    padding-inline: 0.5em;
    text-align: start;
    border-block-end: 1px solid var(--_border);
  }

  [part~='review'] {
    display: grid;
    gap: var(--_spacing);
    margin-block-end: var(--_spacing);
  }

  .review-heading {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.5em;
    justify-content: space-between;
    align-items: baseline;
  }

  [part~='review'] dl {
    display: grid;
    gap: 0.25em;
    margin-block: 0.5em 0;
    margin-inline: 0;
  }

  [part~='review'] dl > div {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 2fr);
    gap: 0.5em;
  }

  [part~='review'] dt {
    color: var(--_muted);
  }

  [part~='review'] dd {
    margin: 0;
  }

  /*
   * A narrow widget names only the current step; the others show their number, their title kept
   * for screen readers (and as the name of the button that goes there).
   */
  @container tessera (max-width: 30rem) {
    [part~='steps'] ol {
      gap: 0.5em;
    }

    [part~='step']:not([part~='current-step']) .step-title {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }

    [part~='step'] button.link {
      text-decoration: none;
    }

    [part~='review'] dl > div {
      grid-template-columns: 1fr;
      gap: 0;
    }

    [part~='review'] dl > div + div {
      margin-block-start: 0.25em;
    }
  }

  @media (forced-colors: active) {
    [part~='current-step'] .number {
      forced-color-adjust: none;
      background: Highlight;
      border-color: Highlight;
      color: HighlightText;
    }
  }
`;
