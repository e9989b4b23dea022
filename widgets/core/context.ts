import type { ReactiveControllerHost } from 'lit';
import type { TesseraConfiguration } from './configure.ts';

/** What a `<tessera-provider>` gives the widgets inside it: its part of the configuration. */
export type ScopedConfiguration = Readonly<Partial<TesseraConfiguration>>;

type Value = ScopedConfiguration | undefined;
type Callback = (value: Value, unsubscribe?: () => void) => void;
type Host = ReactiveControllerHost & HTMLElement;

/** The context's key: the same for every copy of the widgets on a page, whatever their version. */
export const configurationContext = Symbol.for('tessera.configuration');

/**
 * The two events of the community context protocol, as `@lit/context` sends them: an element asks
 * for the context (`context-request`, answered by the nearest provider above it), and a provider
 * that appears tells the providers above it (`context-provider`), whose elements below it then
 * ask again. Providers and elements of another copy that uses `@lit/context` understand ours, and
 * ours theirs.
 *
 * By hand rather than with `@lit/context`: this one context needs a provider and a subscribing
 * consumer only, and the library cost 0.27 KB gzip more in every entry (`npm run bench:bundle`:
 * the quote went from 22.29 to 22.03 KB).
 */
class ContextEvent extends Event {
  readonly context = configurationContext;
  declare readonly contextTarget: Element;
  declare readonly callback: Callback | undefined;
  declare readonly subscribe: boolean | undefined;

  constructor(
    type: 'context-request' | 'context-provider',
    contextTarget: Element,
    callback?: Callback,
  ) {
    super(type, { bubbles: true, composed: true });
    this.contextTarget = contextTarget;
    this.callback = callback;
    this.subscribe = callback ? true : undefined;
  }
}

/** The element a protocol event comes from, unless it is for another context or from `host`. */
function sourceOf(event: Event, host: Element): Element | undefined {
  const { context, contextTarget } = event as Partial<ContextEvent>;
  const source = contextTarget ?? event.composedPath()[0];
  return context === configurationContext && source !== host && source instanceof Element
    ? source
    : undefined;
}

/**
 * Subscribes `host`, while it is connected, to the configuration of the nearest provider above
 * it; `receive` gets it, and every change. An element moved under another provider follows it.
 */
export function consumeConfiguration(host: Host, receive: (value: Value) => void): void {
  let unsubscribe: (() => void) | undefined;
  const callback: Callback = (value, dispose) => {
    // Another provider answers (the element moved, or one appeared between): leave the old one.
    if (unsubscribe !== dispose) unsubscribe?.();
    unsubscribe = dispose;
    receive(value);
  };
  host.addController({
    hostConnected: () => host.dispatchEvent(new ContextEvent('context-request', host, callback)),
    hostDisconnected: () => {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  });
}

/** Answers the requests of the elements below `host` with `value`, and tells them of each change. */
export class ConfigurationProvider {
  declare value: Value;
  readonly #subscribers = new Map<Callback, { consumer: Element; dispose: () => void }>();

  constructor(host: Host) {
    host.addEventListener('context-request', (event: Event) => {
      const consumer = sourceOf(event, host);
      const { callback, subscribe } = event as Partial<ContextEvent>;
      if (!consumer || !callback) return;
      event.stopPropagation();
      if (!subscribe) return callback(this.value);
      let subscriber = this.#subscribers.get(callback);
      if (!subscriber) {
        subscriber = { consumer, dispose: () => this.#subscribers.delete(callback) };
        this.#subscribers.set(callback, subscriber);
      }
      callback(this.value, subscriber.dispose);
    });
    // A provider appeared below this one: the elements ask again, and the nearer one answers.
    host.addEventListener('context-provider', (event: Event) => {
      if (!sourceOf(event, host)) return;
      for (const [callback, { consumer }] of this.#subscribers) {
        consumer.dispatchEvent(new ContextEvent('context-request', consumer, callback));
      }
      event.stopPropagation();
    });
    host.addController({
      hostConnected: () => host.dispatchEvent(new ContextEvent('context-provider', host)),
    });
  }

  setValue(value: Value): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const [callback, { dispose }] of this.#subscribers) callback(value, dispose);
  }
}
