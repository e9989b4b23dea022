/**
 * Every widget in every state reflows: at container widths 320, 375, 768 and 1280 nothing sticks
 * out sideways (WCAG 1.4.10), and at 320 with text at 200 % neither. Screenshots of each state at
 * 320 and 1280 go to test/widgets/screenshots/ for people to look at.
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { screenshot } from '../../support/browser/page.ts';
import { afterEach, describe, it } from '../../support/browser/mocha.ts';
import { shadowOf } from '../../support/browser/dom.ts';
import { STATES, boxOf, clearFaults, freshDemo, horizontalOverflow } from './widget-states.ts';

const WIDTHS = [320, 375, 768, 1280] as const;

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

describe('the widgets reflow in every state', () => {
  let box: HTMLElement | undefined;

  afterEach(async () => {
    box?.remove();
    await clearFaults();
    await setViewport({ width: 1400, height: 900 });
  });

  for (const state of STATES) {
    it(`<tessera-${state.widget}> ${state.name}: nothing overflows at ${WIDTHS.join(', ')} px and at 200 % text`, async () => {
      await setViewport({ width: 1400, height: 900 });
      box = boxOf(WIDTHS[0]);
      const el = await state.reach(box, await freshDemo());
      for (const width of WIDTHS) {
        box.style.inlineSize = `${width}px`;
        await frame();
        expect(horizontalOverflow(el), `at ${width} px`).to.deep.equal([]);
      }
      box.style.inlineSize = '320px';
      el.style.fontSize = '200%';
      await frame();
      expect(horizontalOverflow(el), 'at 320 px with text at 200 %').to.deep.equal([]);
      el.style.fontSize = '';
    });

    it(`<tessera-${state.widget}> ${state.name}: screenshots at 320 and 1280 px`, async () => {
      for (const width of [320, 1280]) {
        // The viewport itself is this wide, as on a phone or a desktop.
        await setViewport({ width, height: 900 });
        box?.remove();
        box = boxOf(width);
        document.body.style.margin = '0';
        const el = await state.reach(box, await freshDemo());
        await frame();
        expect(horizontalOverflow(el), `at ${width} px`).to.deep.equal([]);
        expect(document.documentElement.scrollWidth, 'the page scrolls sideways').to.be.at.most(
          width,
        );
        await screenshot(el, `${state.widget}-${state.name}-${width}.png`);
        box.remove();
        await clearFaults();
      }
    });
  }

  it('a quote narrower than 32rem shows its line items as stacked rows, wider as a table', async () => {
    box = boxOf(320);
    const el = await STATES.find((s) => s.widget === 'quote' && s.name === 'ready')!.reach(
      box,
      await freshDemo(),
    );
    const row = shadowOf(el).querySelector('[part~="line-item"]')!;
    expect(getComputedStyle(row).display).to.equal('block');
    box.style.inlineSize = '1280px';
    await frame();
    expect(getComputedStyle(row).display).to.equal('table-row');
  });
});
