/**
 * What a person perceives of a widget, read through its public surface only: the open shadow
 * root, roles, accessible names, focus, keys.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

export function shadowOf(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`<${el.localName}> has no open shadow root`);
  return el.shadowRoot;
}

/** All the text the widget renders, whitespace collapsed (including visually hidden text). */
export function textOf(el: Element): string {
  return (shadowOf(el).textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The element with focus, looking through shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

function collapse(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * A node as a short string, for assertions and their messages. Assert on this, never on a live
 * element: a failing assertion holding a widget's element makes web-test-runner hang while it
 * serialises the error.
 */
export function describeNode(node: Element | null | undefined): string {
  if (!node) return 'nothing';
  const id = node.id ? `#${node.id}` : '';
  const role = node.getAttribute('role');
  const text = collapse(node.textContent).slice(0, 60);
  return `<${node.localName}${id}${role ? ` role=${role}` : ''}>${text ? ` "${text}"` : ''}`;
}

/** Asserts that `target` (inside a shadow root or not) has focus. */
export function expectFocusOn(target: Element | null | undefined): void {
  const active = deepActiveElement();
  expect(active !== null && active === target, `focus is on ${describeNode(active)}`).to.equal(
    true,
  );
}

/** The buttons in the widget whose visible name matches. */
export function buttonsNamed(el: Element, name: string | RegExp): HTMLButtonElement[] {
  const wanted = (text: string) => (typeof name === 'string' ? text === name : name.test(text));
  return [...shadowOf(el).querySelectorAll('button')].filter((button) =>
    wanted(collapse(button.getAttribute('aria-label') ?? button.textContent)),
  );
}

export function buttonNamed(el: Element, name: string | RegExp): HTMLButtonElement {
  const [button] = buttonsNamed(el, name);
  if (!button) throw new Error(`no button named ${String(name)} in <${el.localName}>`);
  return button;
}

/** The element with this role (explicit, or `status` for a polite live region). */
export function byRole(el: Element, role: 'alert' | 'status'): HTMLElement | null {
  return shadowOf(el).querySelector<HTMLElement>(
    role === 'status' ? '[role="status"], [aria-live="polite"]' : '[role="alert"]',
  );
}

export function part(el: Element, name: string): HTMLElement | null {
  return shadowOf(el).querySelector<HTMLElement>(`[part~="${name}"]`);
}

/** Every part name the widget renders now. */
export function renderedParts(el: Element): Set<string> {
  const names = [...shadowOf(el).querySelectorAll('[part]')].flatMap((node) =>
    (node.getAttribute('part') ?? '').split(/\s+/).filter(Boolean),
  );
  return new Set(names);
}

/** Presses Tab until `target` has focus; fails after `limit` presses. Returns the presses. */
export async function tabTo(target: Element, limit = 25): Promise<number> {
  for (let presses = 1; presses <= limit; presses += 1) {
    await sendKeys({ press: 'Tab' });
    if (deepActiveElement() === target) return presses;
  }
  throw new Error(`Tab never reached ${target.outerHTML.slice(0, 80)}`);
}

/** Waits (polling) for a condition: never a limit the behaviour is judged on, only a safety net. */
export function until(predicate: () => unknown, message: string, timeout = 15_000) {
  return waitUntil(predicate, message, { timeout, interval: 25 });
}

/** Records the `tessera-*` events reaching `document` until `stop()`. */
export function recordEvents() {
  const seen: { type: string; detail: unknown }[] = [];
  const types = ['tessera-ready', 'tessera-change', 'tessera-success', 'tessera-error'];
  const listener = (event: Event) =>
    seen.push({ type: event.type, detail: (event as CustomEvent).detail });
  for (const type of types) document.addEventListener(type, listener);
  return {
    seen,
    of: <D = Record<string, unknown>>(type: string) =>
      seen.filter((event) => event.type === type).map((event) => event.detail as D),
    stop() {
      for (const type of types) document.removeEventListener(type, listener);
    },
  };
}
