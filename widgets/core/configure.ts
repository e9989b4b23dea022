import { createApiClient, type ApiClient } from './api-client.ts';
import { pageDpopKey } from './dpop.ts';
import { WidgetError } from './errors.ts';
import { sessionIdFor } from './session.ts';
import {
  TokenManager,
  fetchTokenFromUrl,
  type FetchToken,
  type InitialToken,
} from './token-manager.ts';

export type Appearance = 'light' | 'dark';

/** What reaches `onEvent`: the same event objects the elements dispatch. */
export interface TesseraEventLike extends Event {
  readonly type: `tessera-${string}`;
  readonly detail: unknown;
}

export interface TesseraConfiguration {
  /** The core API's base URL. */
  apiBase: string;
  /** The partner's function that asks its own backend for a widget token. */
  fetchToken?: FetchToken;
  /** Declarative alternative to `fetchToken`: the partner endpoint answering `{ token, expires_at }`. */
  tokenUrl?: string;
  /**
   * A token minted while the page was rendered, so the widgets ask for their data at once instead
   * of first asking for a token; `fetchToken` or `tokenUrl` still refresh it before it expires.
   * A JWT, or `{ token, expires_at }` as `tokenUrl` answers. Not bound to a DPoP key.
   */
  initialToken?: InitialToken;
  /** A BCP 47 tag; defaults to the document's `lang`, then the browser's language. */
  locale?: string;
  /** The preset of default colours: `light` (the default) or `dark`. */
  appearance?: Appearance;
  /**
   * Sender-constrained tokens (DPoP): on by default wherever WebCrypto is (HTTPS, localhost).
   * The widget passes its key's thumbprint to `fetchToken` as `dpopJkt`; when your backend
   * forwards it as `dpop_jkt`, the token works only with proofs this page signs.
   */
  dpop?: boolean;
  /** Every `tessera-*` event of every widget of this configuration, in addition to the DOM event. */
  onEvent?: (event: TesseraEventLike) => void;
}

/** What a widget works with: one of these per configuration object, shared by its widgets. */
export interface WidgetRuntime {
  readonly configuration: TesseraConfiguration;
  readonly sessionId: string;
  readonly tokens: TokenManager;
  readonly api: ApiClient;
}

let pageConfiguration: TesseraConfiguration | undefined;
const runtimes = new WeakMap<TesseraConfiguration, WidgetRuntime>();
/** Configurations derived from element attributes, per base, so equal attributes share a token. */
const derived = new WeakMap<object, Map<string, TesseraConfiguration>>();
const NO_PAGE_CONFIGURATION = {};

function check(configuration: TesseraConfiguration): void {
  if (!configuration.apiBase || !URL.canParse(configuration.apiBase)) {
    throw new WidgetError('configuration_invalid', 'apiBase must be an absolute URL.');
  }
  if (!configuration.fetchToken && !configuration.tokenUrl) {
    throw new WidgetError('configuration_invalid', 'Give fetchToken or tokenUrl.');
  }
}

/**
 * Configures every widget on the page that does not override it with attributes. Returns the
 * stored configuration; configuring again replaces it for widgets that start afterwards.
 */
export function configure(configuration: TesseraConfiguration): TesseraConfiguration {
  check(configuration);
  pageConfiguration = Object.freeze({ ...configuration });
  return pageConfiguration;
}

export function getConfiguration(): TesseraConfiguration | undefined {
  return pageConfiguration;
}

/** Attribute values an element may set over the page configuration. */
export interface ConfigurationOverrides {
  apiBase?: string | undefined;
  tokenUrl?: string | undefined;
  /** The `token` attribute: the configuration's `initialToken`. */
  token?: string | undefined;
}

/** The page's configuration under a provider's: the same object while neither changes. */
const scoped = new WeakMap<
  object,
  { page: TesseraConfiguration | undefined; merged: TesseraConfiguration }
>();

function baseConfiguration(scope: Partial<TesseraConfiguration> | undefined) {
  if (!scope) return pageConfiguration;
  const hit = scoped.get(scope);
  if (hit && hit.page === pageConfiguration) return hit.merged;
  const merged: TesseraConfiguration = { ...pageConfiguration, ...scope } as TesseraConfiguration;
  // A provider's token source replaces the page's rather than mixing with it.
  if (scope.tokenUrl && !scope.fetchToken) delete merged.fetchToken;
  if (scope.fetchToken && !scope.tokenUrl) delete merged.tokenUrl;
  Object.freeze(merged);
  scoped.set(scope, { page: pageConfiguration, merged });
  return merged;
}

/**
 * The configuration an element uses: the page's, under its `<tessera-provider>`'s if it has one,
 * and, when its attributes override `apiBase` or `token-url`, one derived from that — the same
 * object for the same inputs, so widgets configured alike share one token and one session.
 */
export function resolveConfiguration(
  overrides: ConfigurationOverrides = {},
  scope?: Partial<TesseraConfiguration>,
): TesseraConfiguration {
  const base = baseConfiguration(scope);
  const { apiBase, tokenUrl, token } = overrides;
  if (!apiBase && !tokenUrl && !token) {
    if (!base) {
      throw new WidgetError(
        'configuration_invalid',
        'Call configure(), wrap the element in <tessera-provider>, or set api-base and token-url on it.',
      );
    }
    return base;
  }
  const owner = base ?? NO_PAGE_CONFIGURATION;
  let byKey = derived.get(owner);
  if (!byKey) {
    byKey = new Map();
    derived.set(owner, byKey);
  }
  const key = `${apiBase ?? ''}\n${tokenUrl ?? ''}\n${token ?? ''}`;
  let configuration = byKey.get(key);
  if (!configuration) {
    // A token-url attribute replaces the page's token source; an api-base alone keeps it.
    const own: TesseraConfiguration = { ...base, apiBase: apiBase || base?.apiBase || '' };
    if (tokenUrl) {
      delete own.fetchToken;
      own.tokenUrl = tokenUrl;
    }
    // A token handed to one element is that element's: its scopes may not suit the others.
    if (token) own.initialToken = token;
    configuration = Object.freeze(own);
    check(configuration);
    byKey.set(key, configuration);
  }
  return configuration;
}

/** The token manager, session and API client of a configuration, made on first use. */
export function runtimeFor(configuration: TesseraConfiguration): WidgetRuntime {
  let runtime = runtimes.get(configuration);
  if (runtime) return runtime;
  check(configuration);
  const sessionId = sessionIdFor(configuration);
  const fetchToken = configuration.fetchToken ?? fetchTokenFromUrl(configuration.tokenUrl ?? '');
  const dpopKey = configuration.dpop === false ? undefined : pageDpopKey();
  const tokens = new TokenManager({
    sessionId,
    fetchToken,
    initialToken: configuration.initialToken,
    ...(dpopKey ? { dpopKey } : {}),
  });
  const api = createApiClient({
    apiBase: configuration.apiBase,
    tokens,
    sessionId,
    ...(dpopKey ? { dpopKey } : {}),
  });
  runtime = { configuration, sessionId, tokens, api };
  runtimes.set(configuration, runtime);
  return runtime;
}
