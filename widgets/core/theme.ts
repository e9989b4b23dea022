import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * What every widget keeps even when `unstyled`: layout-neutral accessibility only (hidden text for
 * screen readers, a visible focus ring, `hidden` honoured).
 */
export const accessibleStyles = css`
  :host {
    display: block;
  }

  :host([hidden]) {
    display: none;
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  :focus-visible {
    outline: 2px solid var(--_accent, currentColor);
    outline-offset: 2px;
  }

  .message:focus {
    outline: none;
  }
`;

/**
 * The theme of one widget as private properties on its `base` part: the widget's own
 * `--tessera-<widget>-*` property wins, then the page's `--tessera-*`, then the appearance preset
 * (`light` or `dark`). Widget styles use only the private `--_*` names.
 */
export function themeStyles(widget: string): CSSResult {
  const w = unsafeCSS(widget);
  return css`
    [part~='base'] {
      --_preset-text: #1b1b1f;
      --_preset-muted: #45474f;
      --_preset-background: #ffffff;
      --_preset-accent: #1f4fd1;
      --_preset-on-accent: #ffffff;
      --_preset-danger: #b3261e;
      --_preset-success: #1b6b3a;
      --_preset-border: #767985;

      --_font: var(--tessera-${w}-font, var(--tessera-font, system-ui, sans-serif));
      --_color: var(--tessera-${w}-color, var(--tessera-color-text, var(--_preset-text)));
      --_muted: var(--tessera-${w}-muted, var(--tessera-color-muted, var(--_preset-muted)));
      --_background: var(
        --tessera-${w}-background,
        var(--tessera-color-background, var(--_preset-background))
      );
      --_accent: var(--tessera-${w}-accent, var(--tessera-color-accent, var(--_preset-accent)));
      --_on-accent: var(
        --tessera-${w}-on-accent,
        var(--tessera-color-on-accent, var(--_preset-on-accent))
      );
      --_danger: var(--tessera-${w}-danger, var(--tessera-color-danger, var(--_preset-danger)));
      --_success: var(--tessera-${w}-success, var(--tessera-color-success, var(--_preset-success)));
      --_border: var(--tessera-${w}-border, var(--tessera-color-border, var(--_preset-border)));
      --_radius: var(--tessera-${w}-radius, var(--tessera-radius, 0.5rem));
      --_spacing: var(--tessera-${w}-spacing, var(--tessera-spacing, 1rem));
    }

    [part~='base'].dark {
      --_preset-text: #e4e2e6;
      --_preset-muted: #c6c6d0;
      --_preset-background: #1b1b1f;
      --_preset-accent: #b3c5ff;
      --_preset-on-accent: #002a78;
      --_preset-danger: #ffb4ab;
      --_preset-success: #8fd9a5;
      --_preset-border: #8f909a;
    }
  `;
}

/** The default look every widget shares: box, fields, buttons, errors. Dropped by `unstyled`. */
export const visualStyles = css`
  [part~='base'] {
    font-family: var(--_font);
    color: var(--_color);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_spacing);
    line-height: 1.5;
  }

  h2 {
    margin-block: 0 0.25em;
    font-size: 1.25em;
  }

  form,
  fieldset {
    display: grid;
    gap: calc(var(--_spacing) * 0.75);
  }

  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
  }

  legend {
    font-weight: bold;
    padding: 0;
    margin-block-end: 0.5em;
  }

  [part~='field'] {
    display: grid;
    gap: 0.25em;
  }

  [part~='hint'] {
    margin: 0;
    color: var(--_muted);
    font-size: 0.875em;
  }

  [part~='field'].checkbox {
    grid-template-columns: auto 1fr;
    align-items: center;
    column-gap: 0.5em;
  }

  [part~='field'].checkbox [part~='error'] {
    grid-column: 1 / -1;
  }

  input:not([type='checkbox']):not([type='radio']),
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_background);
    padding-block: 0.5em;
    padding-inline: 0.75em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }

  [aria-invalid='true'] {
    border-color: var(--_danger);
  }

  [part~='error'] {
    color: var(--_danger);
    margin: 0;
  }

  [part~='actions'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }

  button {
    font: inherit;
    padding-block: 0.5em;
    padding-inline: 1em;
    border-radius: calc(var(--_radius) / 2);
    border: 1px solid var(--_border);
    background: transparent;
    color: inherit;
    cursor: pointer;
  }

  [part~='primary-button'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }

  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }
`;
