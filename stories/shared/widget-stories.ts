/**
 * What every widget's stories share: the args, the render, the meta, and the states every widget
 * goes through alike (looks, languages, right to left, token expiry and refresh, failed loads and
 * saves, the Live stack). A widget's file describes the widget once (`WidgetSpec`) and adds only
 * the states that are its own.
 */
import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { nothing, type TemplateResult } from 'lit';
import { html, unsafeStatic } from 'lit/static-html.js';
import type { HttpHandler } from 'msw';
import { expect, fn, userEvent } from 'storybook/test';
import type { ErrorCode, Scope } from '../../contracts/index.ts';
import {
  always,
  failure,
  first,
  hang,
  networkError,
  reference,
  tokenEndpoint,
  type Override,
} from '../mocks/index.ts';
import {
  errorCode,
  errorText,
  focused,
  requests,
  settled,
  until,
  view,
  widget,
  type Widget,
} from '../play.ts';
import {
  argTypesFor,
  cssVariables,
  customTheme,
  docsFor,
  LIVE,
  liveStack,
  noStack,
  unstyled,
  type LiveStack,
} from '../render.ts';

/** The args every widget's stories take; each widget adds the id of what it shows. */
export interface WidgetArgs {
  locale?: string;
  appearance?: 'light' | 'dark';
  unstyled?: boolean;
  terms?: string;
  footer: string;
  onTesseraReady: (event: Event) => void;
  onTesseraChange: (event: Event) => void;
  onTesseraSuccess: (event: Event) => void;
  onTesseraError: (event: Event) => void;
  [cssProperty: `--${string}`]: string;
}

type Handlers = Record<string, HttpHandler | HttpHandler[]>;

/** One request the widget makes, and the widget's mocked API answering it in a story's way. */
export interface Exchange<Resource> {
  method: string;
  /** The request's path, or its end (see `requests`). */
  path: string;
  /** The widget's API handlers with `answer` asked first for this request. */
  answering: (answer: Override<Resource>) => Handlers;
}

/** A change the customer makes and saves, from the widget at rest. */
export interface Save<El, Resource> extends Exchange<Resource> {
  /** Fills in the change. */
  fill: (el: El) => Promise<void>;
  /** Sends it (and waits for the answer). */
  submit: (el: El) => Promise<void>;
  /** Waits until the widget shows the change saved. */
  saved: (el: El) => Promise<void>;
  /** How the widget keeps a save that failed, for `NetworkErrorOnSave` and `ServerErrorOnSave`. */
  recovery?: {
    /** The status a failed save leaves the widget in. */
    failed: string;
    /** What the widget says besides the error's own text. */
    notSaved: string;
    /** A field the failed save keeps as typed. */
    kept: { label: string; value: string };
    /** Sends it again. */
    retry: (el: El) => Promise<void>;
  };
}

export interface Language<El> {
  /** The heading the widget shows in this language. */
  title: string | RegExp;
  /** A button it shows in this language. */
  action: string;
  /** What else the story checks. */
  then?: (el: El) => Promise<void>;
}

export interface WidgetSpec<Args extends WidgetArgs, El extends Widget, Resource> {
  tag: 'tessera-quote' | 'tessera-onboarding' | 'tessera-account';
  /** The arg holding the id of what the widget shows, and the attribute it sets. */
  id: { arg: keyof Args & string; attribute: string; initial: string };
  /** The slots the stories fill with text. */
  slots: readonly ('terms' | 'footer')[];
  /** The token's scopes when nothing limits them. */
  scopes: readonly Scope[];
  /** The widget's API as the reference core API answers it. */
  api: Handlers;
  /** The status the widget rests in once loaded. */
  ready: string;
  /** Whether the widget's heading reads `title` (by default: any heading with that name). */
  titled?: (el: El, title: string | RegExp) => boolean;
  /** The first request, which loads what the widget shows. */
  load: Exchange<Resource> & { loadingTitle: string; then?: (el: El) => Promise<void> };
  save: Save<El, Resource>;
  /** Which request a token expiry hits in `TokenExpiredThenRefreshed`. */
  tokenExpiresOn: 'load' | 'save';
  /** A body for the load that breaks the contract. */
  malformed: () => Response;
  notFound: { args: Partial<Args>; message: string };
  /** After a failed load, once Try again has shown the widget. */
  recovered: (el: El) => Promise<void>;
  /** The primary button a partner's theme restyles, and the footer it adds. */
  theme: { button: string; footer: string };
  languages: { de: Language<El>; fr: Language<El>; es: Language<El> };
  rightToLeft: { parameters?: StoryObj['parameters']; check: (el: El) => Promise<void> };
  /** The Live story's widget on the token URL, and its id attribute from the demo page. */
  live: {
    widget: 'quote' | 'onboarding' | 'account';
    id?: (live: LiveStack & { ok: true }) => string;
  };
}

/** A story's parameters: the widget's API, with `answer` asked first for this exchange. */
export function answered<R>(exchange: Exchange<R>, answer: Override<R>) {
  return { msw: { handlers: exchange.answering(answer) } };
}

/**
 * The meta every widget's stories start from. Storybook reads a file's title from the file itself,
 * so each file spreads this into an object with its `title`.
 */
export function widgetMeta<Args extends WidgetArgs, El extends Widget, R>(
  spec: WidgetSpec<Args, El, R>,
): Omit<Meta<Args>, 'title'> {
  const tag = unsafeStatic(spec.tag);
  const idAttribute = unsafeStatic(spec.id.attribute);
  const render = (args: Args, context: StoryContext<Args>) => html`<${tag}
    ${idAttribute}=${args[spec.id.arg] || nothing}
    locale=${args.locale || nothing}
    appearance=${args.appearance || nothing}
    ?unstyled=${args.unstyled || unstyled(context)}
    style=${cssVariables(args) || nothing}
    @tessera-ready=${args.onTesseraReady}
    @tessera-change=${args.onTesseraChange}
    @tessera-success=${args.onTesseraSuccess}
    @tessera-error=${args.onTesseraError}
  >
    ${spec.slots.map((slot) => (args[slot] ? html`<p slot=${slot}>${args[slot]}</p>` : nothing))}
  </${tag}>`;
  const args: Partial<WidgetArgs> & Record<string, unknown> = {
    [spec.id.arg]: spec.id.initial,
    ...Object.fromEntries(spec.slots.map((slot) => [slot, ''])),
    onTesseraReady: fn(),
    onTesseraChange: fn(),
    onTesseraSuccess: fn(),
    onTesseraError: fn(),
  };
  return {
    component: spec.tag,
    render,
    // The id arg's name is the widget's own, so the generic args are built as a record.
    args: args as Partial<Args>,
    argTypes: argTypesFor(spec.tag, spec.id.arg) as Meta<Args>['argTypes'],
    parameters: {
      docs: docsFor(spec.tag),
      msw: {
        handlers: {
          token: tokenEndpoint({ scopes: spec.scopes }),
          reference: reference(),
          ...spec.api,
        },
      },
    },
  };
}

const RETRY = { name: 'Try again' };
const TOKENS = ['POST', '/api/widget-token'] as const;

/** `429 rate_limited` with `Retry-After: 1`, as the API answers a customer over their rate. */
export const RATE_LIMITED = () =>
  failure('rate_limited', {
    message: 'Rate limit of 10/s per customer exceeded.',
    headers: { 'retry-after': '1', 'ratelimit-limit': '10', 'ratelimit-remaining': '0' },
  });

/** The stories every widget has, from its spec; the widget's file exports each by name. */
export function sharedStories<Args extends WidgetArgs, El extends Widget, R>(
  spec: WidgetSpec<Args, El, R>,
) {
  type Story = StoryObj<Args>;
  const find = (canvas: HTMLElement) => widget<El>(canvas, spec.tag);
  const ready = async (canvas: HTMLElement) => settled(await find(canvas), spec.ready);
  const base = (el: El) => el.shadowRoot?.querySelector('[part~="base"]');
  const msw = (handlers: Handlers) => ({ msw: { handlers } });
  const { load, save } = spec;
  const titled =
    spec.titled ??
    ((el: El, title: string | RegExp) => view(el).queryByRole('heading', { name: title }) !== null);

  const language = (locale: 'de' | 'fr' | 'es'): Story => ({
    globals: { locale },
    play: async ({ canvasElement }) => {
      const { title, action, then } = spec.languages[locale];
      const el = await ready(canvasElement);
      await until(
        () => titled(el, title),
        () => `the heading never read "${String(title)}"`,
      );
      await expect(view(el).getByRole('button', { name: action })).toBeVisible();
      await then?.(el);
    },
  });

  const Loading: Story = {
    parameters: msw(load.answering(always(hang))),
    play: async ({ canvasElement }) => {
      const el = await find(canvasElement);
      await until(
        () => requests(load.method, load.path).length === 1,
        () => `no ${load.method} ${load.path}`,
      );
      await el.updateComplete;
      await expect(el.state.status).toBe('loading');
      await expect(view(el).getByRole('heading', { name: load.loadingTitle })).toBeVisible();
      await expect(view(el).getByRole('status')).toHaveTextContent(load.loadingTitle);
      await expect(view(el).queryByRole('button')).toBeNull();
      await load.then?.(el);
    },
  };

  // --- tokens ------------------------------------------------------------------------------------

  const expiring = spec.tokenExpiresOn === 'load' ? load : save;
  /** The API says the token expired (401 token_expired): one new token, the same request again. */
  const TokenExpiredThenRefreshed: Story = {
    parameters: msw(expiring.answering(first(1, () => failure('token_expired')))),
    play: async ({ canvasElement, args }) => {
      const el = await ready(canvasElement);
      if (spec.tokenExpiresOn === 'save') {
        await save.fill(el);
        await save.submit(el);
        await save.saved(el);
      }
      const tokens = requests(...TOKENS);
      const calls = requests(expiring.method, expiring.path);
      await expect(tokens).toHaveLength(2);
      await expect(calls.map((call) => call.status)).toEqual([401, 200]);
      await expect(calls[0]?.token).toBe(tokens[0]?.token);
      await expect(calls[1]?.token).toBe(tokens[1]?.token);
      await expect(args.onTesseraError).not.toHaveBeenCalled();
    },
  };

  /** A short-lived token is renewed while the customer works; the save uses the new one. */
  const TokenRefreshedBeforeExpiry: Story = {
    parameters: msw({ token: tokenEndpoint({ scopes: spec.scopes, ttlSeconds: [3, 300] }) }),
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      await save.fill(el);
      await until(
        () => requests(...TOKENS).length === 2,
        () => 'the token was not renewed before it expired',
        5_000,
      );
      await save.submit(el);
      await save.saved(el);
      const [, fresh] = requests(...TOKENS);
      await expect(requests(save.method, save.path)[0]?.token).toBe(fresh?.token);
    },
  };

  /** The partner's token endpoint fails: nothing loads; the widget says so and offers Try again. */
  const TokenEndpointFails: Story = {
    parameters: msw({ token: tokenEndpoint({ scopes: spec.scopes, fail: 503 }) }),
    play: async ({ canvasElement, args }) => {
      const el = await settled(await find(canvasElement), 'error');
      await expect(errorCode(el)).toBe('token_fetch_failed');
      await expect(view(el).getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
      await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('token_fetch_failed'));
      await expect(view(el).getByRole('button', RETRY)).toBeVisible();
      await expect(requests(load.method, load.path)).toHaveLength(0);
      await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
    },
  };

  // --- what the API can answer ---------------------------------------------------------------------

  /** 404 not_found: no such resource, or not this customer's. Nothing to retry. */
  const NotFound: Story = {
    args: spec.notFound.args,
    play: async ({ canvasElement, args }) => {
      const el = await settled(await find(canvasElement), 'error');
      await expect(errorCode(el)).toBe('not_found');
      const alert = view(el).getByRole('alert');
      await expect(alert).toHaveTextContent(spec.notFound.message);
      await expect(alert).toHaveTextContent(/Reference: req_story_\d+/);
      await expect(view(el).queryByRole('button')).toBeNull();
      await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
    },
  };

  /** The API answers something that breaks the v1 contract: refused, not shown. */
  const SchemaMismatch: Story = {
    parameters: msw(load.answering(always(() => spec.malformed()))),
    play: async ({ canvasElement }) => {
      const el = await settled(await find(canvasElement), 'error');
      await expect(errorCode(el)).toBe('schema_mismatch');
      await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('schema_mismatch'));
      await expect(view(el).queryByRole('button')).toBeNull();
    },
  };

  /** Nothing loads, for a reason that may pass: the error, and Try again. */
  const unavailable = (
    parameters: ReturnType<typeof msw>,
    code: ErrorCode,
    then?: (el: El) => Promise<void>,
  ): Story => ({
    parameters,
    play: async ({ canvasElement }) => {
      const el = await settled(await find(canvasElement), 'error', 15_000);
      await expect(errorCode(el)).toBe(code);
      await expect(view(el).getByRole('alert')).toHaveTextContent(errorText(code));
      await expect(view(el).getByRole('button', RETRY)).toBeVisible();
      await then?.(el);
    },
  });

  /** 429 on every load, with Retry-After: after its retries the widget offers Try again. */
  const RateLimited = unavailable(
    msw(load.answering(always(RATE_LIMITED))),
    'rate_limited',
    async () => {
      await expect(requests(load.method, load.path)).toHaveLength(3);
    },
  );

  /** 500 on every attempt to load: an error with the request id for support; Try again recovers. */
  const ServerError: Story = {
    parameters: msw(
      load.answering(
        first(3, () => failure('internal_error', { message: 'The database did not answer.' })),
      ),
    ),
    play: async ({ canvasElement }) => {
      const el = await settled(await find(canvasElement), 'error', 15_000);
      await expect(view(el).getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
      const alert = view(el).getByRole('alert');
      await expect(alert).toHaveTextContent(errorText('internal_error'));
      await expect(alert).toHaveTextContent(/Reference: req_story_\d+/);
      await userEvent.click(view(el).getByRole('button', RETRY));
      await settled(el, spec.ready);
      await spec.recovered(el);
    },
  };

  /** The network is down: every attempt to load fails to connect. */
  const NetworkError = unavailable(msw(load.answering(always(networkError))), 'network_error');

  const recovery = () => {
    if (!save.recovery) throw new Error(`<${spec.tag}> describes no recovery from a failed save`);
    return save.recovery;
  };

  /** The connection drops while saving: nothing typed is lost, and saving again sends it once. */
  const NetworkErrorOnSave: Story = {
    parameters: msw(save.answering(first(3, networkError))),
    play: async ({ canvasElement }) => {
      const { failed, notSaved, kept, retry } = recovery();
      const el = await ready(canvasElement);
      await save.fill(el);
      await save.submit(el);
      await expect(el.state.status).toBe(failed);
      const alert = view(el).getByRole('alert');
      await expect(alert).toHaveTextContent(notSaved);
      await expect(alert).toHaveTextContent(errorText('network_error'));
      await expect(focused(el)).toBe(alert);
      await expect(view(el).getByLabelText(kept.label)).toHaveValue(kept.value);
      await retry(el);
      await save.saved(el);
      const keys = new Set(requests(save.method, save.path).map((r) => r.idempotencyKey));
      await expect(keys.size).toBe(1);
    },
  };

  /** 500 on save: the widget's message and the request id for support; saving again works. */
  const ServerErrorOnSave: Story = {
    parameters: msw(
      save.answering(
        first(3, () => failure('internal_error', { message: 'The database is down.' })),
      ),
    ),
    play: async ({ canvasElement, args }) => {
      const el = await ready(canvasElement);
      await save.fill(el);
      await save.submit(el);
      const alert = view(el).getByRole('alert');
      await expect(alert).toHaveTextContent(errorText('internal_error'));
      await expect(alert).toHaveTextContent(/Reference: req_story_\d+/);
      await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
      await recovery().retry(el);
      await save.saved(el);
    },
  };

  // --- languages, looks ----------------------------------------------------------------------------

  /** Arabic: right to left; the strings fall back to English (no catalogue yet). */
  const RightToLeft: Story = {
    globals: { locale: 'ar' },
    ...(spec.rightToLeft.parameters ? { parameters: spec.rightToLeft.parameters } : {}),
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      const root = base(el);
      await expect(root && getComputedStyle(root).direction).toBe('rtl');
      await spec.rightToLeft.check(el);
    },
  };

  const Dark: Story = {
    globals: { appearance: 'dark' },
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      await expect(base(el)).toHaveClass('dark');
    },
  };

  /** In a 320 px box: the narrow layout, nothing wider than the box. */
  const Narrow: Story = {
    globals: { width: '320' },
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      await expect(el.getBoundingClientRect().width).toBeLessThanOrEqual(320);
      await expect(el.scrollWidth).toBeLessThanOrEqual(el.clientWidth);
      const root = base(el);
      await expect(root && root.scrollWidth <= root.clientWidth).toBe(true);
    },
  };

  /** Dark, with the demo shop's dark green brand: the text on it derived white (axe checks it). */
  const DarkBrand: Story = {
    globals: { appearance: 'dark', brand: '#0f5c4d' },
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      await expect(base(el)).toHaveClass('dark');
      const button = el.shadowRoot?.querySelector('[part~="primary-button"]');
      // Derived in linear sRGB, so Chromium reports it as color(srgb-linear 1 1 1): white.
      await expect(button && getComputedStyle(button).color).toMatch(
        /^(rgb\(255, 255, 255\)|color\(srgb-linear 1 1 1\))$/,
      );
    },
  };

  /** `unstyled`: the partner's page styles everything; only accessibility helpers remain. */
  const Unstyled: Story = {
    globals: { appearance: 'unstyled' },
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      await expect(el).toHaveAttribute('unstyled');
      const root = base(el);
      await expect(root && getComputedStyle(root).borderStyle).toBe('none');
    },
  };

  /** A partner's theme: global `--tessera-*` properties and `::part()` rules from the page. */
  const CustomTheme: Story = {
    decorators: [(story) => html`${customTheme(spec.tag)}${story()}`],
    args: { footer: spec.theme.footer } as Partial<Args>,
    play: async ({ canvasElement }) => {
      const el = await ready(canvasElement);
      const button = view(el).getByRole('button', { name: spec.theme.button });
      await expect(getComputedStyle(button).textTransform).toBe('uppercase');
      await expect(getComputedStyle(button).backgroundColor).toBe('rgb(122, 62, 0)');
    },
  };

  // --- the real stack ------------------------------------------------------------------------------

  /**
   * The demo customer's widget on a running `npm start`, through `npm run storybook`'s proxy: the
   * real token endpoint, token service and core API. Not run as a test (no stack runs there); each
   * file sets its tags, which Storybook reads from the file itself.
   */
  const Live: Story = {
    loaders: [liveStack],
    render: (args, context): TemplateResult => {
      const live = (context.loaded as { live: LiveStack }).live;
      if (!live.ok) return noStack(live.reason);
      const tag = unsafeStatic(spec.tag);
      return html`<${tag}
        ${unsafeStatic(spec.id.attribute)}=${spec.live.id?.(live) ?? nothing}
        api-base=${LIVE.apiBase()}
        token-url=${LIVE.tokenUrl(spec.live.widget)}
        ?unstyled=${unstyled(context)}
        @tessera-ready=${args.onTesseraReady}
        @tessera-change=${args.onTesseraChange}
        @tessera-success=${args.onTesseraSuccess}
        @tessera-error=${args.onTesseraError}
      ></${tag}>`;
    },
  };

  return {
    Loading,
    TokenExpiredThenRefreshed,
    TokenRefreshedBeforeExpiry,
    TokenEndpointFails,
    NotFound,
    SchemaMismatch,
    RateLimited,
    ServerError,
    NetworkError,
    NetworkErrorOnSave,
    ServerErrorOnSave,
    German: language('de'),
    French: language('fr'),
    Spanish: language('es'),
    RightToLeft,
    Dark,
    Narrow,
    DarkBrand,
    Unstyled,
    CustomTheme,
    Live,
  };
}
