/**
 * Any brand colour keeps every text/background pair of the widgets at WCAG AA, light and dark:
 * axe finds nothing, and the pairs the theme derives (text on the brand colour, on its hover and
 * active shades, the focus ring on the background) are measured here. The table of those pairs in
 * docs/theming.md is this test's output: when the theme changes, the test fails with the new table.
 */
import { expect } from '@open-wc/testing';
import { readFile, writeFile } from '@web/test-runner-commands';
import { hex, themeContrast, type PairContrast } from '../../../widgets/core/contrast.ts';
import { shadowOf } from '../../support/browser/dom.ts';
import { afterEach, describe, it } from '../../support/browser/mocha.ts';
import { STATES, boxOf, clearFaults, freshDemo, settled } from './widget-states.ts';

export const BRANDS = ['#ffd700', '#00bcd4', '#0f5c4d', '#5b21b6', '#111111'] as const;
const APPEARANCES = ['light', 'dark'] as const;
const READY = STATES.filter((state) => ['ready', 'editing', 'viewing'].includes(state.name));

function base(el: Element): HTMLElement {
  const found = shadowOf(el).querySelector<HTMLElement>('[part~="base"]');
  if (!found) throw new Error(`<${el.localName}> has no base part`);
  return found;
}

/** Waits for the colour transitions of the widget's buttons to end, as a person would see it. */
async function still(el: Element & { updateComplete: Promise<unknown> }): Promise<void> {
  await el.updateComplete;
  await Promise.all(
    shadowOf(el)
      .getAnimations()
      .map((animation) => animation.finished),
  );
}

function failing(pairs: PairContrast[]): string[] {
  return pairs
    .filter((pair) => pair.ratio < pair.minimum)
    .map(
      (pair) =>
        `${pair.name}: ${hex(pair.foregroundColor)} on ${hex(pair.backgroundColor)} = ${pair.ratio.toFixed(2)}`,
    );
}

/** Warnings the widgets log meanwhile. */
function recordWarnings() {
  const original = console.warn;
  const seen: string[] = [];
  console.warn = (...args: unknown[]) => {
    seen.push(args.map(String).join(' '));
  };
  return { seen, stop: () => (console.warn = original) };
}

describe('a brand colour keeps WCAG AA contrast, light and dark', () => {
  let box: HTMLElement | undefined;

  afterEach(async () => {
    box?.remove();
    await clearFaults();
  });

  for (const state of READY) {
    for (const appearance of APPEARANCES) {
      it(`<tessera-${state.widget}> ${appearance}: the default and ${BRANDS.join(', ')} pass axe and every theme pair`, async () => {
        box = boxOf(600);
        const warnings = recordWarnings();
        try {
          const el = await state.reach(box, await freshDemo());
          el.setAttribute('appearance', appearance);
          await el.updateComplete;
          for (const brand of [undefined, ...BRANDS]) {
            if (brand) box.style.setProperty('--tessera-color-accent', brand);
            await still(el);
            const label = `${brand ?? 'the default'} ${appearance}`;
            expect(failing(themeContrast(base(el))), label).to.deep.equal([]);
            await expect(el, label).to.be.accessible();
          }
          expect(warnings.seen.filter((line) => line.includes('contrast'))).to.deep.equal([]);
        } finally {
          warnings.stop();
        }
      });
    }
  }

  it('a partner’s own on-accent is kept, and a pair under AA is reported once with its ratio', async () => {
    box = boxOf(600);
    box.style.setProperty('--tessera-color-accent', '#808080');
    box.style.setProperty('--tessera-color-on-accent', '#777777');
    const warnings = recordWarnings();
    try {
      const d = await freshDemo();
      const ready = READY.find((state) => state.widget === 'quote')!;
      const first = await ready.reach(box, d);
      const button = shadowOf(first).querySelector('[part~="primary-button"]')!;
      expect(getComputedStyle(button).color).to.equal('rgb(119, 119, 119)');
      await settled(await ready.reach(box, d), 'ready');
      const reports = warnings.seen.filter((line) => line.includes('on accent #777777'));
      expect(reports, warnings.seen.join('\n')).to.have.length(1);
      expect(reports[0]).to.match(/<tessera-quote>: .* contrast of 1\.\d\d:1, under the 4\.5:1/);
    } finally {
      warnings.stop();
    }
  });

  it('docs/theming.md lists the pairs the theme derives for the five brand colours', async () => {
    box = boxOf(600);
    const el = await READY.find((state) => state.widget === 'quote')!.reach(box, await freshDemo());
    const rows: string[] = [];
    for (const brand of BRANDS) {
      box.style.setProperty('--tessera-color-accent', brand);
      for (const appearance of APPEARANCES) {
        el.setAttribute('appearance', appearance);
        await still(el);
        const pairs = new Map(themeContrast(base(el)).map((pair) => [pair.name, pair]));
        const cell = (name: string, which: 'foregroundColor' | 'backgroundColor') => {
          const pair = pairs.get(name)!;
          return `\`${hex(pair[which])}\` ${pair.ratio.toFixed(2)}:1`;
        };
        rows.push(
          `| \`${brand}\` | ${appearance} | ${cell('on accent', 'foregroundColor')} | ` +
            `${cell('on hover', 'backgroundColor')} | ${cell('on active', 'backgroundColor')} | ` +
            `${cell('focus ring', 'foregroundColor')} |`,
        );
      }
    }
    const table = [
      '| brand colour | appearance | text on it | hover (text on it) | active (text on it) | focus ring and edges (on the background) |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
    const doc = (await readFile({ path: '../../../docs/theming.md' })) ?? '';
    const section = /<!-- brand-pairs:start -->\n([\s\S]*?)\n<!-- brand-pairs:end -->/.exec(
      doc,
    )?.[1];
    if (normalise(section ?? '') !== normalise(table)) {
      await writeFile({ path: '../screenshots/brand-pairs.md', content: `${table}\n` });
    }
    expect(normalise(section ?? ''), `docs/theming.md should read:\n${table}`).to.equal(
      normalise(table),
    );
  });
});

/** Tables compared cell by cell, whatever the padding Prettier gives them. */
function normalise(table: string): string {
  return table
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .map((cell) => cell.trim().replace(/^-+$/, '-'))
        .join('|'),
    )
    .join('\n');
}
