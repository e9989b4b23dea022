/** What the stories' `play` functions share: finding a widget, waiting for a state, its shadow DOM. */
import { configure, within } from 'storybook/test';
import type { ErrorCode } from '../contracts/index.ts';
import { errorMessageId } from '../widgets/core/error-text.ts';
import { common } from '../widgets/core/locales/en.ts';
import { seen, type Seen } from './mocks/log.ts';

// Testing Library prints the container on a failed query, and cannot print a shadow root.
configure({
  getElementError: (message) => {
    const error = new Error(message ?? 'No element found');
    error.name = 'TestingLibraryElementError';
    return error;
  },
});

/** The part of every Tessera widget a story looks at. */
export interface Widget extends HTMLElement {
  readonly state: { status: string };
  readonly updateComplete: Promise<boolean>;
}

/** What the widgets tell a customer (in English) about an error with this code. */
export function errorText(code: ErrorCode): string {
  return common[errorMessageId(code)];
}

/** The code of the error the widget shows, if it shows one. */
export function errorCode(el: Widget): string | undefined {
  const state: object = el.state;
  return 'error' in state && typeof state.error === 'object' && state.error !== null
    ? (state.error as { code?: string }).code
    : undefined;
}

/** Polls until `check` holds; fails with `message` (and the last state) after `timeout`. */
export async function until(
  check: () => boolean,
  message: () => string,
  timeout = 10_000,
): Promise<void> {
  const end = performance.now() + timeout;
  while (!check()) {
    if (performance.now() > end) throw new Error(`Timed out after ${timeout} ms: ${message()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The story's widget, once defined and rendered. */
export async function widget<T extends Widget>(canvas: HTMLElement, tag: string): Promise<T> {
  await customElements.whenDefined(tag);
  await until(
    () => canvas.querySelector(tag)?.shadowRoot != null,
    () => `<${tag}> never rendered`,
  );
  const el = canvas.querySelector(tag) as T;
  await el.updateComplete;
  return el;
}

/** Waits until the widget reaches `status` and has rendered it. */
export async function settled<T extends Widget>(el: T, status: string, timeout = 10_000) {
  await until(
    () => el.state.status === status,
    () => `<${el.localName}> is "${el.state.status}", expected "${status}"`,
    timeout,
  );
  await el.updateComplete;
  return el;
}

/** Testing Library queries inside the widget's shadow root. */
export function view(el: Widget) {
  if (!el.shadowRoot) throw new Error(`<${el.localName}> has no shadow root`);
  return within(el.shadowRoot as unknown as HTMLElement);
}

/**
 * The element showing `text` in the widget, leaving out the live region that repeats it for
 * screen readers.
 */
export function shown(el: Widget, text: string | RegExp): HTMLElement {
  return view(el).getByText(text, { ignore: 'script, style, [role="status"]' });
}

/** The focused element inside the widget (the document only sees the host). */
export function focused(el: Widget): Element | null {
  return el.shadowRoot?.activeElement ?? null;
}

/** Money and dates as `Intl` writes them, with the spaces Testing Library normalises text to. */
export function plain(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/** The requests the mocks answered in this story, optionally only those to `path` (a suffix). */
export function requests(method?: string, path?: string): Seen[] {
  return seen.filter(
    (entry) =>
      (method === undefined || entry.method === method) &&
      (path === undefined || entry.path.endsWith(path)),
  );
}
