import type { ReactiveController, ReactiveElement } from 'lit';

/** What an element needs of its headless controller. */
export interface WidgetController<S> {
  getState(): S;
  subscribe(listener: (state: S) => void): () => void;
  dispose(): void;
}

export interface ControllerHostOptions<S, C> {
  /** A controller for the element's current inputs; throws when they are unusable. */
  create(): C;
  /** Its first action (load, start). */
  run(controller: C): unknown;
  /** The state shown when no controller could be made. */
  failed(caught: unknown): S;
  /** Whether to keep the controller across a detach (e.g. a draft being edited). */
  keepWhileDetached(): boolean;
  /** The custom states (`:state(name)`) that stand for a state. */
  states(state: S): Iterable<string>;
}

/**
 * Hosts a headless controller in an element, as a Lit `ReactiveController`: subscribes to it,
 * renders on each state (the update's changed properties name `state`), stops it on detach and
 * starts afresh on reattach, and mirrors the state as custom states in `ElementInternals.states`
 * so partners' CSS can say `tessera-quote:state(loading)`.
 */
export class ControllerHost<S, C extends WidgetController<S>> implements ReactiveController {
  /** The controller in use; `undefined` before the first update and after a stop. */
  controller: C | undefined;
  /** Set until the first update and after a detach stopped the controller: the next update starts one. */
  stale = true;
  readonly #host: ReactiveElement;
  readonly #options: ControllerHostOptions<S, C>;
  readonly #states: CustomStateSet | undefined;
  #state: S;
  #unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveElement, initial: S, options: ControllerHostOptions<S, C>) {
    this.#host = host;
    this.#options = options;
    this.#state = initial;
    // Absent in old browsers and server-side renderers: the widget works, unstyled by state.
    this.#states = host.attachInternals?.().states;
    host.addController(this);
  }

  get state(): S {
    return this.#state;
  }

  hostConnected(): void {
    // Attached again after a detach that stopped the controller: Lit would not update by itself.
    if (this.stale && this.#host.hasUpdated) this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    if (this.#options.keepWhileDetached()) return;
    this.#stop();
    this.stale = true;
  }

  /** Stops the controller and starts a new one for the element's current inputs. */
  restart(): void {
    this.#stop();
    this.stale = false;
    let controller: C;
    try {
      controller = this.#options.create();
    } catch (caught) {
      this.#set(this.#options.failed(caught));
      return;
    }
    this.controller = controller;
    this.#unsubscribe = controller.subscribe((state) => this.#set(state));
    this.#set(controller.getState());
    void this.#options.run(controller);
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.controller?.dispose();
    this.controller = undefined;
  }

  #set(state: S): void {
    const previous = this.#state;
    this.#state = state;
    const states = this.#states;
    if (states) {
      try {
        states.clear();
        for (const name of this.#options.states(state)) states.add(name);
      } catch {
        // Chromium before 125 accepts only `--name` custom states.
      }
    }
    this.#host.requestUpdate('state', previous);
  }
}
