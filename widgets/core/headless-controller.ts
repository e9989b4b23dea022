import type { ApiClient } from './api-client.ts';
import { toWidgetError, type WidgetError } from './errors.ts';
import type { ControllerEvent } from './events.ts';
import { Store, type Listener } from './store.ts';

type ChangeDetail<E> = Extract<E, { type: 'change' }> extends { detail: infer D } ? D : never;

/**
 * What every widget's controller shares: one observable state, the events the element turns into
 * DOM events, and async work run as `@lit/task` runs it. Each run (`begin()`) gets a call id and
 * a fresh `AbortSignal`, aborting the run before it, so a slower, older answer never overwrites a
 * newer state: work checks `isCurrent(call)` after every await. No DOM, no Lit.
 */
export abstract class HeadlessController<
  S extends { status: string },
  E extends ControllerEvent = ControllerEvent,
> {
  declare protected readonly api: ApiClient;
  readonly #store: Store<S>;
  readonly #onEvent: ((event: E) => void) | undefined;
  #call = 0;
  #abort: AbortController | undefined;

  constructor(api: ApiClient, initial: S, onEvent: ((event: E) => void) | undefined) {
    this.api = api;
    this.#store = new Store(initial);
    this.#onEvent = onEvent;
  }

  /** Bound, like `subscribe`, so `useSyncExternalStore(c.subscribe, c.getState)` works as is. */
  readonly getState = (): S => this.#store.getState();
  readonly subscribe = (listener: Listener<S>): (() => void) => this.#store.subscribe(listener);

  /** Abandons what is in flight; later answers change nothing. */
  dispose(): void {
    this.#call += 1;
    this.#abort?.abort();
  }

  /** Starts a run, aborting the one before: its id for `isCurrent`, its signal in `signal()`. */
  protected begin(): number {
    this.#abort?.abort();
    this.#abort = new AbortController();
    return ++this.#call;
  }

  /** Whether the run `call` is still the newest: only then may its answer change the state. */
  protected isCurrent(call: number): boolean {
    return call === this.#call;
  }

  /** The current run's signal, as request options. */
  protected signal(): { signal: AbortSignal } | Record<string, never> {
    return this.#abort ? { signal: this.#abort.signal } : {};
  }

  /** Replaces the state; a change of status (see `changeOf`) is reported as a `change` event. */
  protected set(next: S): void {
    const previous = this.getState();
    this.#store.setState(next);
    const detail = this.changeOf(next, previous);
    if (detail) this.emit({ type: 'change', detail } as unknown as E);
  }

  /** What a `change` event says about this transition, or nothing when it is not one. */
  protected changeOf(next: S, previous: S): ChangeDetail<E> | undefined {
    return next.status === previous.status
      ? undefined
      : ({ status: next.status, previous: previous.status } as ChangeDetail<E>);
  }

  protected emit(event: E): void {
    this.#onEvent?.(event);
  }

  protected emitError(error: WidgetError): void {
    this.emit({ type: 'error', detail: error.toDetail() } as E);
  }

  /** Any failure as a `WidgetError` carrying this widget's session id. */
  protected toError(caught: unknown): WidgetError {
    return toWidgetError(caught, { sessionId: this.api.sessionId });
  }

  /**
   * Whether the token grants `scope`, to shape the view (the core API decides): a token that
   * does not say, or cannot be asked, is given the benefit of the doubt.
   */
  protected async grants(scope: string): Promise<boolean> {
    try {
      const scopes = await this.api.scopes();
      return !scopes || scopes.includes(scope);
    } catch {
      return true;
    }
  }
}
