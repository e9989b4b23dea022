import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import type { Appearance, TesseraConfiguration } from './configure.ts';
import {
  ConfigurationProvider,
  consumeConfiguration,
  type ScopedConfiguration,
} from './context.ts';

/**
 * @summary Configures the Tessera widgets inside it, over the page's `configure()`.
 *
 * Attributes set `apiBase`, `tokenUrl`, `locale` and `appearance`; the `configuration` property
 * takes anything `configure()` takes (a `fetchToken` function, `onEvent`). A widget's own
 * attributes win over its provider, the nearest provider over an outer one, and a provider over
 * the page. The widgets of one provider share one token and one session.
 *
 * @slot - The widgets (and anything else).
 */
export class TesseraProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  static override properties = {
    apiBase: { attribute: 'api-base' },
    tokenUrl: { attribute: 'token-url' },
    locale: {},
    appearance: {},
    configuration: { attribute: false },
  };

  /** The core API's base URL. */
  declare apiBase: string | undefined;
  /** The partner endpoint answering `{ token, expires_at }`. */
  declare tokenUrl: string | undefined;
  /** A BCP 47 tag for the widgets inside. */
  declare locale: string | undefined;
  /** `light` or `dark`. */
  declare appearance: Appearance | undefined;
  /** The rest of the configuration, as `configure()` takes it. */
  declare configuration: Partial<TesseraConfiguration> | undefined;

  readonly #provider = new ConfigurationProvider(this);
  /** A provider inside another refines it (a provider never answers its own host's request). */
  #outer: ScopedConfiguration | undefined;

  constructor() {
    super();
    consumeConfiguration(this, (value) => {
      this.#outer = value;
      this.requestUpdate();
    });
  }

  protected override willUpdate(_changed: PropertyValues): void {
    const own: Partial<TesseraConfiguration> = { ...this.configuration };
    if (this.apiBase) own.apiBase = this.apiBase;
    if (this.tokenUrl) {
      own.tokenUrl = this.tokenUrl;
      delete own.fetchToken;
    }
    if (this.locale) own.locale = this.locale;
    if (this.appearance) own.appearance = this.appearance;
    const parent = { ...this.#outer };
    if (own.fetchToken) delete parent.tokenUrl;
    if (own.tokenUrl) delete parent.fetchToken;
    const next = Object.freeze({ ...parent, ...own });
    const current = this.#provider.value;
    if (!current || !shallowEqual(current, next)) this.#provider.setValue(next);
  }

  override render(): TemplateResult {
    return html`<slot></slot>`;
  }
}

function shallowEqual(a: object, b: object): boolean {
  const keysA = Object.keys(a) as (keyof typeof a)[];
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.is(a[key], b[key]));
}
