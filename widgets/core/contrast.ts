/**
 * WCAG 2 contrast of the colours a widget's theme resolved to, for the development check and the
 * tests. The theme derives its colours in CSS (widgets/core/theme.ts); this only reads them back.
 */

/** Whether this is a development build: Vite builds replace `import.meta.env`, folding it false. */
export const DEV = (import.meta as { env?: { DEV?: boolean } }).env?.DEV !== false;

export type Rgb = readonly [number, number, number];

/** Relative luminance (WCAG 2) of an sRGB colour with 0–255 channels. */
export function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** A pair the theme draws together, and the contrast WCAG AA asks of it. */
export interface ThemePair {
  name: string;
  foreground: string;
  background: string;
  minimum: number;
}

/** Every text/background and indicator/background pair of the theme, as private properties. */
export const THEME_PAIRS: readonly ThemePair[] = [
  { name: 'text', foreground: '--_color', background: '--_background', minimum: 4.5 },
  { name: 'muted text', foreground: '--_muted', background: '--_background', minimum: 4.5 },
  { name: 'errors', foreground: '--_danger', background: '--_background', minimum: 4.5 },
  { name: 'success', foreground: '--_success', background: '--_background', minimum: 4.5 },
  { name: 'on accent', foreground: '--_on-accent', background: '--_accent', minimum: 4.5 },
  { name: 'on hover', foreground: '--_on-accent', background: '--_accent-hover', minimum: 4.5 },
  { name: 'on active', foreground: '--_on-accent', background: '--_accent-active', minimum: 4.5 },
  { name: 'focus ring', foreground: '--_ring', background: '--_background', minimum: 3 },
  { name: 'field borders', foreground: '--_border', background: '--_background', minimum: 3 },
];

let canvas: CanvasRenderingContext2D | null | undefined;

/**
 * The sRGB colour a custom property of `element` resolves to, as drawn: a probe inside the
 * element resolves `var()` and relative colours, and a one-pixel canvas turns any colour space
 * into 8-bit sRGB.
 */
export function resolvedColor(element: Element, property: string): Rgb | undefined {
  const probe = document.createElement('span');
  probe.style.color = `var(${property})`;
  probe.hidden = true;
  element.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  canvas ??= document
    .createElement('canvas')
    .getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!canvas || !color) return undefined;
  canvas.clearRect(0, 0, 1, 1);
  canvas.fillStyle = color;
  canvas.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0] = canvas.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

export interface PairContrast extends ThemePair {
  foregroundColor: Rgb;
  backgroundColor: Rgb;
  ratio: number;
}

/** The contrast of every theme pair on a widget's `base` part. */
export function themeContrast(base: Element): PairContrast[] {
  return THEME_PAIRS.flatMap((pair) => {
    const foregroundColor = resolvedColor(base, pair.foreground);
    const backgroundColor = resolvedColor(base, pair.background);
    if (!foregroundColor || !backgroundColor) return [];
    return [
      {
        ...pair,
        foregroundColor,
        backgroundColor,
        ratio: contrastRatio(foregroundColor, backgroundColor),
      },
    ];
  });
}

const reported = new Set<string>();

/**
 * Development only: says once per page, in the console, which pair of a widget's theme falls
 * short of WCAG AA and by how much (a partner's own `on-accent` or background, say).
 */
export function reportContrast(tag: string, base: Element): void {
  // High-contrast themes replace every colour of the theme with the system's own.
  if (matchMedia('(forced-colors: active)').matches) return;
  for (const pair of themeContrast(base)) {
    if (pair.ratio >= pair.minimum) continue;
    const key = `${tag} ${pair.name} ${hex(pair.foregroundColor)} ${hex(pair.backgroundColor)}`;
    if (reported.has(key)) continue;
    reported.add(key);
    console.warn(
      `<${tag}>: ${pair.name} ${hex(pair.foregroundColor)} on ${hex(pair.backgroundColor)} ` +
        `has a contrast of ${pair.ratio.toFixed(2)}:1, under the ${pair.minimum}:1 WCAG AA asks ` +
        `(${pair.foreground} on ${pair.background}; see docs/theming.md).`,
    );
  }
}
