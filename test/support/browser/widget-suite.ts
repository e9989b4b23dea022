/**
 * The behaviours every Tessera widget shares, as one Mocha suite each widget runs against the real
 * stack (through the fault proxy, which passes everything through unless a test scripts a fault):
 * token refresh, error display, loading state, theming parts, `unstyled`, appearance, locale,
 * correlation headers, and axe in the ready state.
 *
 * Only the public surface is used: attributes, the open shadow root, roles, parts, `tessera-*`
 * events, keyboard, and the status the widget reports.
 *
 *   import { runWidgetSuite } from '../../support/browser/widget-suite.ts';
 *   runWidgetSuite({ tag: 'tessera-quote', setup: (demo) => ({ 'quote-id': demo.quotes.open }), … });
 */
import { expect, fixture, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { common } from '../../../widgets/core/locales/en.ts';
import { afterEach, beforeEach, describe, it } from './mocha.ts';
import {
  buttonNamed,
  byRole,
  describeNode,
  part,
  recordEvents,
  renderedParts,
  shadowOf,
  tabTo,
  textOf,
  until,
} from './dom.ts';
import { demo, faults, tokenLog, tokenUrl, type Demo, type TokenOptions } from './stack.ts';

export interface WidgetUnderTest<E extends HTMLElement = HTMLElement> {
  /** The custom element's tag; the test file registers it before calling the suite. */
  tag: string;
  /**
   * Called once per test with a fresh demo account: the attributes that point the element at its
   * data (`quote-id`, …). `api-base`, `token-url` and `locale` are set by the suite.
   */
  setup(demo: Demo): Record<string, string> | Promise<Record<string, string>>;
  /** The scopes the widget's token needs for the ready state. */
  scopes: readonly string[];
  /** The documented parts (`@csspart`) the ready state renders. */
  parts: readonly string[];
  /** Every documented part, including those of other states; defaults to `parts`. */
  documentedParts?: readonly string[];
  /** The status (`status(el)`) that means loaded and usable. */
  readyStatus: string;
  /** A text the ready state shows with `locale="de"` once the German catalogue has loaded. */
  germanText: string;
  /**
   * Texts the ready widget must show in `locale`, computed with `Intl` from its state (money,
   * dates), e.g. `new Intl.NumberFormat(locale, { style: 'currency', … }).format(…)`.
   */
  formatted?(el: E, locale: string): string[];
  /** The widget's status; default `el.state.status`. */
  status?(el: E): string;
  /**
   * Makes the widget call the core API again, as a user could (reload, open a step …). Default:
   * detach the element and attach it again, which must load it afresh.
   */
  exercise?(el: E): Promise<void>;
}

function defaultStatus(el: HTMLElement): string {
  const state = (el as unknown as { state?: { status?: unknown } }).state;
  return typeof state?.status === 'string' ? state.status : '';
}

async function reattach(el: HTMLElement): Promise<void> {
  const parent = el.parentNode;
  if (!parent) throw new Error(`<${el.localName}> is not attached`);
  const next = el.nextSibling;
  el.remove();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  parent.insertBefore(el, next);
}

/** Relative luminance of a computed `rgb()`/`rgba()` colour, 0 (black) … 1 (white). */
function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

const RETRY = common['error.retry'];

/** The host and the nodes of its shadow root that say `aria-busy="true"`. */
function busy(el: Element): Element[] {
  const nodes = [el, ...shadowOf(el).querySelectorAll('[aria-busy]')];
  return nodes.filter((node) => node.getAttribute('aria-busy') === 'true');
}

/** Runs the shared suite for one widget. */
export function runWidgetSuite<E extends HTMLElement>(widget: WidgetUnderTest<E>): void {
  const status = (el: E) => (widget.status ?? defaultStatus)(el);
  const documented = new Set([...(widget.documentedParts ?? []), ...widget.parts]);

  describe(`<${widget.tag}>: shared widget behaviour`, () => {
    let d: Demo;
    let events: ReturnType<typeof recordEvents>;

    beforeEach(async () => {
      await faults.reset();
      d = await demo();
      events = recordEvents();
    });

    afterEach(async () => {
      events.stop();
      await faults.reset();
    });

    async function mount(
      attributes: Record<string, string> = {},
      token: TokenOptions = {},
    ): Promise<E> {
      const el = document.createElement(widget.tag) as E;
      const own = await widget.setup(d);
      const all: Record<string, string> = {
        'api-base': d.faultApiBase,
        'token-url': tokenUrl(d, { scopes: widget.scopes, ...token }),
        locale: 'en-US',
        ...own,
        ...attributes,
      };
      for (const [name, value] of Object.entries(all)) el.setAttribute(name, value);
      return fixture<E>(el);
    }

    async function ready(el: E, message = 'the widget never became ready'): Promise<E> {
      await until(() => status(el) === widget.readyStatus || status(el) === 'error', message);
      expect(status(el), 'its status').to.equal(widget.readyStatus);
      await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
      return el;
    }

    it('is accessible in its ready state', async () => {
      const el = await ready(await mount());
      await expect(el).to.be.accessible();
    });

    it('fires one bubbling, composed tessera-ready when loaded', async () => {
      const heard = oneEvent(document, 'tessera-ready');
      const el = await mount();
      const event = await heard;
      await ready(el);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.target === el, 'dispatched on the element').to.equal(true);
      expect(events.of('tessera-ready')).to.have.length(1);
    });

    it('is aria-busy, with loading announced, until its data arrives; then not busy', async () => {
      // The widget's first API request, whatever its method, is held until the test lets it go.
      await faults.add({ path: '/v1/*', hold: true });
      const el = await mount();
      await until(async () => (await faults.log()).length > 0, 'the widget never called the API');
      await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
      expect(busy(el).map(describeNode), 'busy while loading').to.not.deep.equal([]);
      const live = byRole(el, 'status');
      expect(live?.textContent?.trim(), 'the live region').to.not.equal('');
      // Screen readers hold back what changes inside a busy subtree: the announcement must not be.
      const hiding = busy(el).filter((node) => node === el || node.contains(live));
      expect(hiding.map(describeNode), 'busy around the live region').to.deep.equal([]);
      expect(status(el)).to.not.equal(widget.readyStatus);

      await faults.release();
      await ready(el);
      expect(busy(el).map(describeNode), 'busy once ready').to.deep.equal([]);
      expect(shadowOf(el).querySelectorAll('[aria-busy="false"]').length).to.be.greaterThan(0);
    });

    it('says loading, then ready, as custom states (:state(loading), :state(ready)) and its status as one more', async () => {
      await faults.add({ path: '/v1/*', hold: true });
      const el = await mount();
      await until(async () => (await faults.log()).length > 0, 'the widget never called the API');
      const names = [...new Set(['loading', 'busy', 'ready', 'error', widget.readyStatus])];
      const matching = () => names.filter((name) => el.matches(`:state(${name})`));
      expect(matching(), 'while its data is held').to.deep.equal(['loading', 'busy']);

      await faults.release();
      await ready(el);
      expect(matching(), 'once its data shows').to.deep.equal([
        ...new Set(['ready', widget.readyStatus]),
      ]);
    });

    it('a page rule on :state(loading) styles the widget while it loads, and no longer once ready', async () => {
      const style = document.createElement('style');
      style.textContent = `${widget.tag}:state(loading) { outline: 3px solid rgb(200, 0, 0); }`;
      document.head.append(style);
      try {
        await faults.add({ path: '/v1/*', hold: true });
        const el = await mount();
        await until(async () => (await faults.log()).length > 0, 'the widget never called the API');
        expect(getComputedStyle(el).outlineColor, 'while loading').to.equal('rgb(200, 0, 0)');
        expect(getComputedStyle(el).outlineWidth).to.equal('3px');

        await faults.release();
        await ready(el);
        expect(getComputedStyle(el).outlineStyle, 'once ready').to.equal('none');
      } finally {
        style.remove();
      }
    });

    it('shows an alert with a keyboard-reachable Retry when the token endpoint fails, and recovers with it', async () => {
      const el = await mount({}, { fail: 503 });
      await until(() => status(el) === 'error', 'the widget never showed the failure');
      await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
      const [error] = events.of<{ code: string; retryable: boolean }>('tessera-error');
      expect(error).to.include({ code: 'token_fetch_failed', retryable: true });
      expect(byRole(el, 'alert')?.textContent?.trim(), 'the alert').to.not.equal('');
      expect(el.matches(':state(error)'), ':state(error)').to.equal(true);
      expect(el.matches(':state(ready)'), 'not :state(ready)').to.equal(false);
      await expect(el).to.be.accessible();

      await tabTo(buttonNamed(el, RETRY));
      await sendKeys({ press: 'Enter' });
      await ready(el, 'Retry did not recover');
      expect(describeNode(byRole(el, 'alert'))).to.equal('nothing');
      expect(el.matches(':state(error)'), 'no longer :state(error)').to.equal(false);
      expect(el.matches(':state(ready)'), ':state(ready)').to.equal(true);
      expect(await tokenLog(d.accountId)).to.have.length(2);
    });

    it('refreshes a short-lived token before it expires, and keeps working on the new one', async () => {
      const el = await ready(await mount({}, { ttl: 5 }));
      const [first] = await tokenLog(d.accountId);
      const firstExpiry = Date.parse(first!.expires_at!);
      await until(() => Date.now() > firstExpiry + 500, 'the first token never expired');
      const [, refreshed] = await tokenLog(d.accountId);
      expect(refreshed?.status, 'a second token').to.equal(200);
      // Unprompted, before the first ran out (`exp` counts whole seconds, hence the second).
      expect(refreshed!.at, 'refreshed ahead of expiry').to.be.below(firstExpiry + 1000);

      const before = (await faults.log()).length;
      await (widget.exercise ?? reattach)(el);
      await until(
        async () => (await faults.log()).length > before,
        'the widget made no request after the token expired',
        5_000,
      );
      await ready(el, 'the widget stopped working once its first token expired');
      const later = (await faults.log()).slice(before).filter((entry) => entry.status !== null);
      expect(later.length).to.be.greaterThan(0);
      for (const request of later) {
        expect(request.status, `${request.method} ${request.path}`).to.be.below(400);
        expect(request.token?.exp, 'a current token').to.be.greaterThan(firstExpiry / 1000);
      }
      expect(events.of('tessera-error')).to.deep.equal([]);
    });

    it('sends one X-Tessera-Session and a fresh X-Request-Id with every request', async () => {
      await ready(await mount());
      const log = await faults.log();
      expect(log.length).to.be.greaterThan(0);
      expect(new Set(log.map((entry) => entry.sessionId)).size).to.equal(1);
      expect(log[0]?.sessionId).to.match(/^ws_/);
      const ids = log.map((entry) => entry.requestId);
      expect(new Set(ids).size).to.equal(ids.length);
    });

    it('renders every documented part of its ready state, and no undocumented one', async () => {
      const el = await ready(await mount());
      const rendered = renderedParts(el);
      for (const name of widget.parts) expect(rendered, `part ${name}`).to.include(name);
      for (const name of rendered) expect(documented, `undocumented part ${name}`).to.include(name);
    });

    it('unstyled drops the default look but keeps the visually hidden live region', async () => {
      const el = await ready(await mount());
      const base = part(el, 'base')!;
      expect(getComputedStyle(base).borderTopStyle, 'styled border').to.not.equal('none');
      el.toggleAttribute('unstyled', true);
      await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
      const look = getComputedStyle(base);
      expect(look.borderTopStyle, 'unstyled border').to.equal('none');
      expect(look.backgroundColor, 'unstyled background').to.equal('rgba(0, 0, 0, 0)');
      const live = byRole(el, 'status');
      expect(describeNode(live), 'the live region').to.not.equal('nothing');
      const box = live!.getBoundingClientRect();
      expect(box.width <= 1 && box.height <= 1, 'the live region stays visually hidden').to.equal(
        true,
      );
      await expect(el).to.be.accessible();
    });

    it('appearance="dark" gives a dark background', async () => {
      const light = await ready(await mount());
      const dark = await ready(await mount({ appearance: 'dark' }));
      const lightBackground = getComputedStyle(part(light, 'base')!).backgroundColor;
      const darkBackground = getComputedStyle(part(dark, 'base')!).backgroundColor;
      expect(darkBackground).to.not.equal(lightBackground);
      expect(luminance(darkBackground)).to.be.below(0.2);
      expect(luminance(lightBackground)).to.be.above(0.5);
      await expect(dark).to.be.accessible();
    });

    it('locale="de" shows German once the catalogue has loaded, money and dates through Intl', async () => {
      const el = await ready(await mount({ locale: 'de' }));
      await until(() => textOf(el).includes(widget.germanText), 'no German text appeared');
      for (const text of widget.formatted?.(el, 'de') ?? []) {
        // textOf collapses white space, Intl's no-break spaces included.
        expect(textOf(el), 'German formatting').to.contain(text.replace(/\s+/g, ' '));
      }
      await expect(el).to.be.accessible();
    });
  });
}
