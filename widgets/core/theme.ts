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
    outline: 2px solid var(--_ring, currentColor);
    outline-offset: 2px;
  }

  /* Whatever a widget may animate stands still for people who asked for less motion. */
  @media (prefers-reduced-motion: reduce) {
    *,
    ::before,
    ::after {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }
  }

  /* High-contrast themes draw every colour from the system's palette: keep focus unmistakable. */
  @media (forced-colors: active) {
    :focus-visible {
      outline: 3px solid Highlight;
    }
  }

  .message:focus {
    outline: none;
  }

  /* A server-rendered widget in a browser without scripting: its forms cannot work, so a note
     says so in their place. Nothing changes where scripts run, so hydration moves nothing. */
  .needs-script {
    display: none;
  }

  @media (scripting: none) {
    .needs-script {
      display: block;
    }

    /* Over the widgets' own display rules, which come later. */
    form,
    [part~='actions'] {
      display: none !important;
    }
  }
`;

/**
 * The theme of one widget as private properties on its `base` part: the widget's own
 * `--tessera-<widget>-*` property wins, then the page's `--tessera-*`, then the appearance preset
 * (`light` or `dark`). Widget styles use only the private `--_*` names.
 *
 * The accent is the partner's brand colour. What is drawn on it or beside it is derived from it in
 * CSS (relative colour syntax in linear sRGB, where WCAG's relative luminance is a weighted sum of
 * the channels), so any brand colour keeps its text readable without script:
 * - `--_on-accent`: white or black, whichever contrasts more with the accent (never under 4.58:1);
 *   a partner's own `on-accent` wins.
 * - `--_accent-hover`, `--_accent-active`: the accent moved away from that text colour, so the
 *   pair only gains contrast.
 * - `--_ring`: the accent darkened (light) or lightened (dark) until its luminance is at most
 *   `--_ring-max` / at least `--_ring-min`: at least 4.2:1 on the preset background, and 3:1 on any
 *   background at least as light (dark) as luminance 0.7 (0.03). The focus ring, the primary
 *   button's edge and the current step's circle use it, so they stand out from the background
 *   even when the brand colour itself does not.
 */
export function themeStyles(widget: string): CSSResult {
  const w = unsafeCSS(widget);
  return css`
    [part~='base'] {
      --_preset-text: #1b1b1f;
      --_preset-muted: #45474f;
      --_preset-background: #ffffff;
      --_preset-accent: #1f4fd1;
      --_preset-danger: #b3261e;
      --_preset-success: #1b6b3a;
      --_preset-border: #767985;
      --_ring-max: 0.2;
      --_ring-min: 0;

      --_font: var(--tessera-${w}-font, var(--tessera-font, system-ui, sans-serif));
      --_color: var(--tessera-${w}-color, var(--tessera-color-text, var(--_preset-text)));
      --_muted: var(--tessera-${w}-muted, var(--tessera-color-muted, var(--_preset-muted)));
      --_background: var(
        --tessera-${w}-background,
        var(--tessera-color-background, var(--_preset-background))
      );
      --_accent: var(--tessera-${w}-accent, var(--tessera-color-accent, var(--_preset-accent)));
      --_danger: var(--tessera-${w}-danger, var(--tessera-color-danger, var(--_preset-danger)));
      --_success: var(--tessera-${w}-success, var(--tessera-color-success, var(--_preset-success)));
      --_border: var(--tessera-${w}-border, var(--tessera-color-border, var(--_preset-border)));
      --_radius: var(--tessera-${w}-radius, var(--tessera-radius, 0.5rem));
      --_spacing: var(--tessera-${w}-spacing, var(--tessera-spacing, 1rem));

      /* Read inside color(from … srgb-linear r g b): the accent's relative luminance (WCAG 2). */
      --_y: (0.2126 * r + 0.7152 * g + 0.0722 * b);
      /* 1 when white reads better on the accent than black, else 0: they tie at luminance 0.1791. */
      --_white-on: clamp(0, (0.1791 - var(--_y)) * 1000000, 1);
      --_on-accent: var(
        --tessera-${w}-on-accent,
        var(
          --tessera-color-on-accent,
          color(from var(--_accent) srgb-linear var(--_white-on) var(--_white-on) var(--_white-on))
        )
      );
      /* Each channel moved by k (0.25, 0.45) away from the text: to black under white text
         (white-on 1: r − k·r), to white under black (white-on 0: r + k·(1 − r)). */
      --_accent-hover: color(
        from var(--_accent) srgb-linear calc(r + 0.25 * (1 - var(--_white-on) - r))
          calc(g + 0.25 * (1 - var(--_white-on) - g)) calc(b + 0.25 * (1 - var(--_white-on) - b))
      );
      --_accent-active: color(
        from var(--_accent) srgb-linear calc(r + 0.45 * (1 - var(--_white-on) - r))
          calc(g + 0.45 * (1 - var(--_white-on) - g)) calc(b + 0.45 * (1 - var(--_white-on) - b))
      );
      /* Scaling linear channels scales luminance alike and keeps the hue; mixing with white lifts it. */
      --_ring-scale: min(1, var(--_ring-max) / var(--_y));
      --_ring-lift: max(0, (var(--_ring-min) - var(--_y)) / (1 - var(--_y)));
      --_ring: color(
        from var(--_accent) srgb-linear calc(r * var(--_ring-scale) + var(--_ring-lift) * (1 - r))
          calc(g * var(--_ring-scale) + var(--_ring-lift) * (1 - g))
          calc(b * var(--_ring-scale) + var(--_ring-lift) * (1 - b))
      );
    }

    [part~='base'].dark {
      --_preset-text: #e4e2e6;
      --_preset-muted: #c6c6d0;
      --_preset-background: #1b1b1f;
      --_preset-accent: #b3c5ff;
      --_preset-danger: #ffb4ab;
      --_preset-success: #8fd9a5;
      --_preset-border: #8f909a;
      --_ring-max: 1;
      --_ring-min: 0.2;
    }
  `;
}

/**
 * The default look every widget shares: box, fields, buttons, errors. Dropped by `unstyled`.
 *
 * Layout follows the widget's own width, never the viewport's: the base part is a size container
 * named `tessera`, and each widget's styles rearrange under `@container tessera (max-width: …)`.
 * Nothing inside may make the widget wider than its container (WCAG 1.4.10 reflow): long words
 * break, fields and buttons shrink, fieldsets forget their min-content width.
 */
export const visualStyles = css`
  :host {
    /* The base's inline-size containment gives it no intrinsic width: in a shrink-to-fit place
       (a flex row, a float) the widget still takes a usable width, never more than its container. */
    min-inline-size: min(20rem, 100%);
  }

  [part~='base'] {
    container: tessera / inline-size;
    box-sizing: border-box;
    overflow-wrap: anywhere;
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
    min-inline-size: 0;
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
    box-sizing: border-box;
    min-inline-size: 0;
    max-inline-size: 100%;
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
    max-inline-size: 100%;
  }

  [part~='primary-button'] {
    background: var(--_accent);
    border-color: var(--_ring);
    color: var(--_on-accent);
  }

  [part~='primary-button']:hover {
    background: var(--_accent-hover);
  }

  [part~='primary-button']:active {
    background: var(--_accent-active);
  }

  @media (prefers-reduced-motion: no-preference) {
    button {
      transition: background-color 120ms ease-out;
    }
  }

  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }

  /* On a narrow widget each button takes a row's share, so none is cut off or squeezed. */
  @container tessera (max-width: 24rem) {
    [part~='actions'] > button {
      flex: 1 1 auto;
    }
  }

  @media (forced-colors: active) {
    [part~='base'] {
      border-color: CanvasText;
    }

    button,
    input:not([type='checkbox']):not([type='radio']),
    select,
    textarea {
      border-color: ButtonText;
    }

    /* The primary action keeps its emphasis in the system's own highlight colours. */
    [part~='primary-button'] {
      forced-color-adjust: none;
      background: Highlight;
      border-color: Highlight;
      color: HighlightText;
    }

    button[aria-disabled='true'] {
      background: Canvas;
      color: GrayText;
      border-color: GrayText;
      opacity: 1;
    }
  }
`;
