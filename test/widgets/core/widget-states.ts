/**
 * Every widget in the states its stories show, reached on the real stack as a customer reaches
 * them (the fault proxy standing in for a failing or slow API), inside a box of a given width.
 */
import { sendKeys } from '@web/test-runner-commands';
import '../../../widgets/account/define.ts';
import '../../../widgets/onboarding/define.ts';
import '../../../widgets/quote/define.ts';
import { buttonNamed, shadowOf, tabTo, until } from '../../support/browser/dom.ts';
import { demo, envelope, faults, tokenUrl, type Demo } from '../../support/browser/stack.ts';

export type WidgetElement = HTMLElement & {
  state: { status: string };
  updateComplete: Promise<unknown>;
};

export interface WidgetState {
  widget: 'quote' | 'onboarding' | 'account';
  name: string;
  /** Mounts the widget into `box` and brings it to the state. */
  reach(box: HTMLElement, d: Demo): Promise<WidgetElement>;
}

const SCOPES = {
  quote: ['quote:read', 'quote:accept'],
  onboarding: ['onboarding:read', 'onboarding:write'],
  account: ['account:read', 'account:write'],
} as const;

/** A fresh demo account with no faults scripted. */
export async function freshDemo(): Promise<Demo> {
  await faults.reset();
  return demo();
}

/** Lets held requests go and forgets the faults. */
export async function clearFaults(): Promise<void> {
  await faults.release();
  await faults.reset();
}

function place(
  box: HTMLElement,
  d: Demo,
  widget: WidgetState['widget'],
  attributes: Record<string, string>,
): WidgetElement {
  const el = document.createElement(`tessera-${widget}`) as WidgetElement;
  const all = {
    'api-base': d.faultApiBase,
    'token-url': tokenUrl(d, { scopes: SCOPES[widget] }),
    locale: 'en-US',
    ...attributes,
  };
  for (const [name, value] of Object.entries(all)) el.setAttribute(name, value);
  box.append(el);
  return el;
}

export async function settled(el: WidgetElement, ...statuses: string[]): Promise<WidgetElement> {
  await until(
    () => statuses.includes(el.state.status),
    `<${el.localName}> never reached ${statuses.join(' or ')} (it is ${el.state.status})`,
  );
  await el.updateComplete;
  return el;
}

function control<T extends HTMLElement = HTMLInputElement>(el: Element, id: string): T {
  const found = shadowOf(el).querySelector<T>(`#${id}`);
  if (!found) throw new Error(`#${id} is not rendered in <${el.localName}>`);
  return found;
}

async function fill(el: WidgetElement, values: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(values)) {
    const input = control<HTMLInputElement | HTMLSelectElement>(el, id);
    input.value = value;
    const type = input instanceof HTMLSelectElement ? 'change' : 'input';
    input.dispatchEvent(new Event(type, { bubbles: true }));
    await el.updateComplete;
  }
}

async function press(el: WidgetElement, name: RegExp, ...then: string[]): Promise<WidgetElement> {
  buttonNamed(el, name).click();
  await el.updateComplete;
  return then.length > 0 ? settled(el, ...then) : el;
}

/** Every load answers 500: the error state with its Try again button. */
async function failingLoad(path: string): Promise<void> {
  await faults.add({
    method: 'GET',
    path,
    status: 500,
    body: envelope('internal_error'),
    times: 10,
  });
}

export const STATES: readonly WidgetState[] = [
  {
    widget: 'quote',
    name: 'loading',
    async reach(box, d) {
      await faults.add({ method: 'GET', path: `/v1/quotes/${d.quotes.open}`, hold: true });
      const el = place(box, d, 'quote', { 'quote-id': d.quotes.open });
      await until(async () => (await faults.log('GET')).length > 0, 'the quote was not asked for');
      return settled(el, 'loading');
    },
  },
  {
    widget: 'quote',
    name: 'ready',
    reach: (box, d) => settled(place(box, d, 'quote', { 'quote-id': d.quotes.open }), 'ready'),
  },
  {
    widget: 'quote',
    name: 'field-errors',
    async reach(box, d) {
      const el = await settled(place(box, d, 'quote', { 'quote-id': d.quotes.open }), 'ready');
      await press(el, /^Accept quote$/);
      await until(() => shadowOf(el).querySelector('[aria-invalid="true"]'), 'no field error');
      return el;
    },
  },
  {
    widget: 'quote',
    name: 'decline',
    async reach(box, d) {
      const el = await settled(place(box, d, 'quote', { 'quote-id': d.quotes.open }), 'ready');
      return press(el, /^Decline$/);
    },
  },
  {
    widget: 'quote',
    name: 'accepted',
    reach: (box, d) =>
      settled(place(box, d, 'quote', { 'quote-id': d.quotes.accepted }), 'accepted'),
  },
  {
    widget: 'quote',
    name: 'expired',
    reach: (box, d) => settled(place(box, d, 'quote', { 'quote-id': d.quotes.expired }), 'expired'),
  },
  {
    widget: 'quote',
    name: 'error',
    async reach(box, d) {
      await failingLoad(`/v1/quotes/${d.quotes.open}`);
      return settled(place(box, d, 'quote', { 'quote-id': d.quotes.open }), 'error');
    },
  },
  {
    widget: 'onboarding',
    name: 'editing',
    reach: (box, d) =>
      settled(place(box, d, 'onboarding', { 'application-id': d.onboardingId }), 'editing'),
  },
  {
    widget: 'onboarding',
    name: 'error-summary',
    async reach(box, d) {
      const el = await settled(
        place(box, d, 'onboarding', { 'application-id': d.onboardingId }),
        'editing',
      );
      await fill(el, { 'contact-name': '', 'contact-email': 'not an address' });
      await press(el, /^Save and continue$/);
      await until(() => shadowOf(el).querySelector('[part~="error-summary"]'), 'no summary');
      return el;
    },
  },
  {
    widget: 'onboarding',
    name: 'review',
    async reach(box, d) {
      const el = await settled(
        place(box, d, 'onboarding', { 'application-id': d.onboardingId }),
        'editing',
      );
      await fill(el, {
        'contact-name': 'Lena Schäfer',
        'contact-email': 'lena@nordlicht.example',
        phone: '030 1234567',
      });
      await press(el, /^Save and continue$/, 'editing');
      await until(() => shadowOf(el).querySelector('#line1'), 'the billing step never showed');
      await fill(el, { line1: 'Friedrichstraße 123', city: 'Berlin', 'postal-code': '10117' });
      await press(el, /^Save and continue$/, 'editing');
      await until(() => shadowOf(el).querySelector('[part~="review"]'), 'no review step');
      return el;
    },
  },
  {
    widget: 'onboarding',
    name: 'error',
    async reach(box, d) {
      await failingLoad(`/v1/onboarding/${d.onboardingId}`);
      return settled(place(box, d, 'onboarding', { 'application-id': d.onboardingId }), 'error');
    },
  },
  {
    widget: 'account',
    name: 'viewing',
    reach: (box, d) => settled(place(box, d, 'account', { 'account-id': d.accountId }), 'viewing'),
  },
  {
    widget: 'account',
    name: 'editing',
    async reach(box, d) {
      const el = await settled(place(box, d, 'account', { 'account-id': d.accountId }), 'viewing');
      await tabTo(buttonNamed(el, /^Edit details$/));
      await sendKeys({ press: 'Enter' });
      return settled(el, 'editing');
    },
  },
  {
    widget: 'account',
    name: 'error',
    async reach(box, d) {
      await failingLoad(`/v1/accounts/${d.accountId}`);
      return settled(place(box, d, 'account', { 'account-id': d.accountId }), 'error');
    },
  },
];

/** A box of a given width on the page, for a widget to sit in. */
export function boxOf(width: number): HTMLElement {
  const box = document.createElement('div');
  box.style.cssText = `inline-size: ${width}px; margin: 0; padding: 0;`;
  document.body.append(box);
  return box;
}

/**
 * What sticks out sideways: the host or base scrolling, or any rendered node of the shadow root
 * reaching past the base's box (visually hidden text aside), described for the failure message.
 */
export function horizontalOverflow(el: HTMLElement): string[] {
  const found: string[] = [];
  const box = el.parentElement;
  const host = el.getBoundingClientRect();
  if (box && host.width > box.clientWidth + 0.5) {
    found.push(`the host is ${host.width}px wide in a ${box.clientWidth}px container`);
  }
  if (el.scrollWidth > el.clientWidth + 1) {
    found.push(`the host scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  const base = shadowOf(el).querySelector<HTMLElement>('[part~="base"]');
  if (!base) return found;
  const limit = base.getBoundingClientRect();
  for (const node of shadowOf(el).querySelectorAll<HTMLElement>('*')) {
    if (node.closest('.visually-hidden, thead, style') || node.localName === 'slot') continue;
    if (getComputedStyle(node).clipPath !== 'none') continue;
    // A field's own text scrolls inside it, as in any text field; only its box must fit.
    const control = /^(input|textarea|select)$/.test(node.localName);
    if (!control && node.clientWidth > 0 && node.scrollWidth > node.clientWidth + 1) {
      found.push(`${describe(node)} scrolls: ${node.scrollWidth} > ${node.clientWidth}`);
    }
    const rect = node.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right > limit.right + 1 || rect.left < limit.left - 1) {
      found.push(
        `${describe(node)} spans ${rect.left}–${rect.right}, the base ${limit.left}–${limit.right}`,
      );
    }
  }
  return found;
}

function describe(node: Element): string {
  const part = node.getAttribute('part');
  const id = node.id ? `#${node.id}` : '';
  return `<${node.localName}${id}${part ? ` part="${part}"` : ''}>`;
}
