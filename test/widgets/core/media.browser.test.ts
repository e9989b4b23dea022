/**
 * Under Windows high contrast (`forced-colors: active`) every widget stays usable: system colours,
 * a visible focus ring, borders, axe clean; under `prefers-reduced-motion: reduce` nothing moves.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { deepActiveElement, shadowOf } from '../../support/browser/dom.ts';
import { afterEach, describe, it } from '../../support/browser/mocha.ts';
import { emulateMediaFeatures } from '../../support/browser/page.ts';
import { STATES, boxOf, clearFaults, freshDemo } from './widget-states.ts';

const READY = STATES.filter((state) => ['ready', 'editing', 'viewing'].includes(state.name));

/** A system colour as this browser resolves it. */
function system(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = name;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

describe('forced colours and reduced motion', () => {
  let box: HTMLElement | undefined;

  afterEach(async () => {
    box?.remove();
    await emulateMediaFeatures();
    await clearFaults();
  });

  for (const state of READY) {
    it(`<tessera-${state.widget}> under forced colours: system colours, a 3 px focus ring, axe clean`, async () => {
      await emulateMediaFeatures({ name: 'forced-colors', value: 'active' });
      expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
      box = boxOf(600);
      const el = await state.reach(box, await freshDemo());
      const button = shadowOf(el).querySelector<HTMLElement>('[part~="primary-button"]')!;
      const style = getComputedStyle(button);
      expect(style.backgroundColor).to.equal(system('Highlight'));
      expect(style.color).to.equal(system('HighlightText'));
      const base = shadowOf(el).querySelector('[part~="base"]')!;
      expect(getComputedStyle(base).borderInlineStartStyle).to.equal('solid');
      button.focus();
      await sendKeys({ press: 'Shift' });
      expect(deepActiveElement()).to.equal(button);
      expect(getComputedStyle(button).outlineStyle).to.equal('solid');
      expect(getComputedStyle(button).outlineWidth).to.equal('3px');
      await expect(el).to.be.accessible();
    });

    it(`<tessera-${state.widget}> under reduced motion: no transition, with one otherwise`, async () => {
      box = boxOf(600);
      await emulateMediaFeatures({ name: 'prefers-reduced-motion', value: 'no-preference' });
      const el = await state.reach(box, await freshDemo());
      const button = shadowOf(el).querySelector<HTMLElement>('[part~="primary-button"]')!;
      expect(getComputedStyle(button).transitionDuration).to.not.equal('0s');
      await emulateMediaFeatures({ name: 'prefers-reduced-motion', value: 'reduce' });
      expect(matchMedia('(prefers-reduced-motion: reduce)').matches).to.equal(true);
      for (const node of [el, ...shadowOf(el).querySelectorAll('*')]) {
        const style = getComputedStyle(node);
        expect(style.transitionDuration, node.localName).to.match(/^0s(, 0s)*$/);
        expect(style.animationName, node.localName).to.equal('none');
      }
    });
  }
});
