import {
  LitElement,
  html,
  isServer,
  type TemplateResult,
  type CSSResultGroup,
  type CSSResultOrNative,
  type PropertyValues,
} from 'lit';
import {
  resolveConfiguration,
  runtimeFor,
  type Appearance,
  type TesseraConfiguration,
  type WidgetRuntime,
} from './configure.ts';
import { consumeConfiguration } from './context.ts';
import type { ApiClient } from './api-client.ts';
import { ControllerHost, type WidgetController } from './controller-host.ts';
import { toWidgetError } from './errors.ts';
import { toDomEvent, type ControllerEvent } from './events.ts';
import type { ErrorCode } from '../../contracts/v1/errors.ts';
import { errorMessageId } from './error-text.ts';
import type { Messages } from './i18n.ts';
import type { CommonId } from './locales/en.ts';
import { accessibleStyles, visualStyles } from './theme.ts';
import { DEV, reportContrast } from './contrast.ts';
import { readServerData, SERVER_API } from './server-data.ts';

function flatten(group: CSSResultGroup): CSSResultOrNative[] {
  return Array.isArray(group) ? group.flatMap((item: CSSResultGroup) => flatten(item)) : [group];
}

/** The properties whose change means the widget must start over with another configuration. */
const CONFIGURATION_PROPERTIES = ['apiBase', 'tokenUrl', 'token', '_scope'] as const;

/**
 * What the three widgets share: configuration from attributes, the nearest `<tessera-provider>`
 * and `configure()`; locale with lazily loaded messages; appearance presets and `unstyled`; the
 * headless controller hosted by a `ControllerHost` (its state as `state` and as custom states);
 * and each controller event dispatched as a bubbling, composed DOM event and passed to `onEvent`.
 */
export abstract class TesseraElement<
  Id extends string,
  S extends { status: string } = { status: string },
  C extends WidgetController<S> = WidgetController<S>,
> extends LitElement {
  static override properties = {
    apiBase: { attribute: 'api-base' },
    tokenUrl: { attribute: 'token-url' },
    token: {},
    locale: {},
    appearance: {},
    unstyled: { type: Boolean, reflect: true },
    _scope: { state: true },
    _messagesLoaded: { state: true },
  };

  /** The widget's own look, over the shared theme; both are dropped by `unstyled`. */
  protected static visualStyles: CSSResultGroup = [];
  /** The widget's layout rules kept even when `unstyled` (rarely needed). */
  protected static accessibleStyles: CSSResultGroup = [];

  static override get styles(): CSSResultGroup {
    return [accessibleStyles, this.accessibleStyles, visualStyles, this.visualStyles];
  }

  /** Overrides the configuration's `apiBase`. */
  declare apiBase: string | undefined;
  /** Overrides the configuration's token source: the partner endpoint answering `{ token, expires_at }`. */
  declare tokenUrl: string | undefined;
  /**
   * A token the server rendered the page with: the widget asks for its data at once, and its token
   * source (`token-url` or `fetchToken`) refreshes it as usual. This element's alone.
   */
  declare token: string | undefined;
  /** Overrides the configuration's `locale`. */
  declare locale: string | undefined;
  /** `light` or `dark`; overrides the configuration's `appearance`. */
  declare appearance: Appearance | undefined;
  /** Drops the default look (colours, borders, spacing), keeping only accessibility helpers. */
  declare unstyled: boolean;
  declare _scope: Partial<TesseraConfiguration> | undefined;
  declare _messagesLoaded: string | undefined;

  protected abstract readonly messages: Messages<Id | CommonId>;
  /** The widget's own properties whose change means starting over (e.g. `quoteId`). */
  protected static restartOn: readonly string[] = [];
  /** The statuses in which a request is under way: `:state(busy)`, `aria-busy`, focus held. */
  protected static busyStatuses: readonly string[] = ['loading'];
  readonly #host: ControllerHost<S, C>;

  /** A controller for the current inputs; throw a `WidgetError` when they are unusable. */
  protected abstract createController(api: ApiClient): C;
  /** Its first action (load, start). */
  protected abstract runController(controller: C): Promise<unknown>;
  /** Whether to keep the controller across a detach (e.g. a draft being edited). */
  protected keepWhileDetached(): boolean {
    return false;
  }
  /** The configuration in use since the last `resolveRuntime()`. */
  protected configuration: TesseraConfiguration | undefined;
  /**
   * What the server rendered this element with (`@tessera/widgets/ssr`): the contract's resource
   * the first controller starts from instead of fetching it. The server's renderer sets it; in
   * the browser it is read from the element's `<script type="application/json">` child.
   */
  serverData: unknown;
  /** Whether the element came with a declarative shadow root to hydrate rather than render. */
  readonly #serverRendered: boolean = !isServer && this.shadowRoot !== null;

  constructor() {
    super();
    this.unstyled = false;
    this.#host = new ControllerHost<S, C>(this, { status: 'loading' } as S, {
      // The server renders the state it was given: no token, no requests, no timers there.
      create: () => this.createController(isServer ? SERVER_API : this.resolveRuntime().api),
      run: (controller) => (isServer ? undefined : this.runController(controller)),
      failed: (caught) => {
        const error = toWidgetError(caught);
        this.emit({ type: 'error', detail: error.toDetail() });
        return { status: 'error', error } as unknown as S;
      },
      keepWhileDetached: () => this.keepWhileDetached(),
      states: (state) => {
        const names = this.stateNames(state);
        const phase =
          state.status === 'loading' ? 'loading' : names.includes('error') ? 'error' : 'ready';
        return [...names, phase, ...(this.#busy(state) ? ['busy'] : [])];
      },
    });
    consumeConfiguration(this, (value) => {
      this._scope = value;
    });
  }

  /** The controller's state (an error when none could be made), for tests and partners' code. */
  get state(): S {
    return this.#host.state;
  }

  /** The controller in use, made by `createController` and run by `runController`. */
  protected get controller(): C | undefined {
    return this.#host.controller;
  }

  /**
   * The server's data, once: a later controller (another quote id, a retry) fetches afresh.
   * `undefined` when the element was not server-rendered.
   */
  protected takeServerData(): unknown {
    const data = this.serverData ?? (isServer ? undefined : readServerData(this));
    this.serverData = undefined;
    return data;
  }

  /** Whether a request is under way. */
  protected get busy(): boolean {
    return this.#busy(this.state);
  }

  #busy(state: S): boolean {
    return (this.constructor as typeof TesseraElement).busyStatuses.includes(state.status);
  }

  /**
   * The custom states that stand for a state, besides the shared `loading`, `ready`, `error` and
   * `busy`: its status, and whatever else the widget documents. `error` here counts as failed.
   */
  protected stateNames(state: S): string[] {
    return [state.status];
  }

  /** Stops the controller and starts a new one for the current inputs (also Retry's last resort). */
  protected restart(): void {
    this.#host.restart();
  }

  /** Whether the last update changed what the widget is configured with. */
  protected configurationChanged(changed: PropertyValues): boolean {
    return CONFIGURATION_PROPERTIES.some((name) => changed.has(name));
  }

  /** The runtime for the current attributes, provider and page configuration; throws `WidgetError`. */
  protected resolveRuntime(): WidgetRuntime {
    this.configuration = resolveConfiguration(
      { apiBase: this.apiBase, tokenUrl: this.tokenUrl, token: this.token },
      this._scope,
    );
    return runtimeFor(this.configuration);
  }

  /** The locale to render in: attribute, provider or page, document, browser. */
  get resolvedLocale(): string {
    return (
      this.locale ||
      this._scope?.locale ||
      this.configuration?.locale ||
      (isServer ? '' : document.documentElement.lang || navigator.language) ||
      'en'
    );
  }

  /** The appearance preset in use. */
  get resolvedAppearance(): Appearance {
    const appearance = this.appearance || this._scope?.appearance || this.configuration?.appearance;
    return appearance === 'dark' ? 'dark' : 'light';
  }

  protected t(id: Id | CommonId, params?: Record<string, string | number>): string {
    return this.messages.format(this.resolvedLocale, id, params);
  }

  /** Shown instead of the forms only where scripts do not run (see `.needs-script`). */
  protected scriptNotice(): TemplateResult {
    return html`<p class="needs-script">${this.t('script.required')}</p>`;
  }

  /** What an error means for the customer, in their language (the detail keeps the English). */
  protected errorText(error: { code: ErrorCode }): string {
    return this.t(errorMessageId(error.code));
  }

  /**
   * A server-rendered element on a page without `@tessera/widgets/hydrate` (the classic script,
   * `tessera.js`) renders afresh in its shadow root rather than beside the server's content. The
   * support defines `observedAttributes` on LitElement itself when it is there.
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    if (this.#serverRendered && !Object.hasOwn(LitElement, 'observedAttributes')) {
      this.shadowRoot?.replaceChildren();
    }
    return super.createRenderRoot();
  }

  /**
   * A server-rendered element hydrates only once its language's strings are here: hydration
   * takes the server's text as its first render, and English meanwhile would replace it.
   */
  protected override async scheduleUpdate(): Promise<unknown> {
    if (this.#serverRendered && !this.hasUpdated && !this.messages.has(this.resolvedLocale)) {
      await this.messages.load(this.resolvedLocale).catch(() => undefined);
    }
    return super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const restartOn = (this.constructor as typeof TesseraElement).restartOn;
    if (
      this.#host.stale ||
      this.configurationChanged(changed) ||
      restartOn.some((name) => changed.has(name))
    ) {
      this.restart();
    }
    const locale = this.resolvedLocale;
    if (!this.messages.has(locale)) {
      // English shows meanwhile; the language's strings replace it once loaded.
      this.messages.load(locale).then(
        () => {
          this._messagesLoaded = locale;
        },
        () => undefined,
      );
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (
      DEV &&
      !this.unstyled &&
      ['unstyled', 'appearance', '_scope'].some((name) => changed.has(name))
    ) {
      // Development builds only (the library build drops it): a theme pair under WCAG AA, once.
      const base = this.renderRoot.querySelector('[part~="base"]');
      if (base) reportContrast(this.localName, base);
    }
    if (changed.has('unstyled') && this.shadowRoot) {
      // Constructable sheets only (no <style> element): nothing a strict CSP would refuse.
      const ctor = this.constructor as typeof TesseraElement;
      const sheets = this.unstyled
        ? flatten([accessibleStyles, ctor.accessibleStyles])
        : flatten(ctor.styles);
      this.shadowRoot.adoptedStyleSheets = sheets.flatMap((style) => {
        const sheet = style instanceof CSSStyleSheet ? style : style.styleSheet;
        return sheet ? [sheet] : [];
      });
      // A server render's <style>, hydrated: the same rules are adopted now, and `unstyled`
      // must be able to drop them.
      for (const style of this.shadowRoot.querySelectorAll(':scope > style')) style.remove();
    }
  }

  /** Dispatches a controller event on the element and passes it to `onEvent`. */
  protected emit(event: ControllerEvent): void {
    const dom = toDomEvent(event);
    this.dispatchEvent(dom);
    try {
      this.configuration?.onEvent?.(dom);
    } catch (error) {
      // A partner's broken handler must not break the widget.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
