export type Listener<S> = (state: S) => void;

/**
 * The observable state every controller keeps. `subscribe` and `getState` are bound, so
 * `useSyncExternalStore(store.subscribe, store.getState)` works as is.
 */
export class Store<S> {
  #state: S;
  readonly #listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.#state = initial;
  }

  readonly getState = (): S => this.#state;

  readonly subscribe = (listener: Listener<S>): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Replaces the state and notifies synchronously; the same object again notifies no one. */
  setState(next: S): void {
    if (Object.is(next, this.#state)) return;
    this.#state = next;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next);
      } catch (error) {
        // One broken subscriber must not starve the others, nor break the action that set the state.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
