/**
 * API strings that are markup or script render as inert text, in real Chromium: `<img onerror>`,
 * `<script>`, `<svg onload>`, `<iframe srcdoc>`, `javascript:` URLs and template-looking text
 * (`{{…}}`, `${…}`, `{number}`). Each payload would set a global flag if it ever ran; after the
 * widget has rendered (and a probe image has failed to load, so any injected `onerror` has had
 * its turn) the flag is still unset, the strings are in the widget's text exactly as sent, and
 * the widget's shadow tree holds no element or attribute made from them.
 *
 * Data is written through the real core API wherever a route accepts it (account fields, a quote's
 * signer name); a quote's number and line items and an error envelope have no route that writes
 * them, so those come from a fetch interceptor in this page that rewrites the real API's answer.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../../widgets/account/define.ts';
import type { TesseraAccount } from '../../../widgets/account/tessera-account.ts';
import '../../../widgets/quote/define.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { shadowOf, textOf, until } from '../../support/browser/dom.ts';
import { demo, tokenUrl, type Demo } from '../../support/browser/stack.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';

const FLAG = '__tesseraXss';
type Flagged = typeof globalThis & { [FLAG]?: string };

/** Each sets the flag to its own name if it ever runs. */
const PAYLOAD = {
  img: `<img src=x onerror="window.${FLAG}='img'">`,
  script: `<script>window.${FLAG}='script'</script>`,
  svg: `<svg onload="window.${FLAG}='svg'"></svg>`,
  iframe: `<iframe srcdoc="<script>parent.${FLAG}='iframe'</script>"></iframe>`,
  link: `<a href="javascript:window.${FLAG}='a'">x</a>`,
  url: `javascript:window.${FLAG}='url'`,
  template: `{{constructor.constructor('window.${FLAG}=1')()}} \${window.${FLAG}=2} {number} {name}`,
  short: `<img src=x onerror=${FLAG}=1>`,
} as const;

/** Elements and attributes no widget renders on its own, and that only markup could create. */
const FOREIGN = 'script, img, svg, iframe, object, embed, a, math, template, style:not([data-lit])';

/** Resolves once the browser has failed to load an image: injected `onerror`s have run by then. */
function imageErrorsHaveFired(): Promise<void> {
  return new Promise((resolve) => {
    const probe = new Image();
    probe.onerror = () => resolve();
    probe.src = `/__no-such-image-${crypto.randomUUID()}.png`;
  });
}

/** The widget ran nothing and made nothing from its data; every payload is in its text verbatim. */
async function assertInert(el: Element, shown: readonly string[]): Promise<void> {
  await imageErrorsHaveFired();
  expect((globalThis as Flagged)[FLAG], 'a payload ran').to.equal(undefined);
  const root = shadowOf(el);
  const foreign = [...root.querySelectorAll(FOREIGN)].map((node) => node.outerHTML.slice(0, 80));
  expect(foreign, 'elements made from API strings').to.deep.equal([]);
  for (const node of root.querySelectorAll('*')) {
    for (const attribute of node.attributes) {
      expect(attribute.name.startsWith('on'), `${attribute.name} on <${node.localName}>`).to.equal(
        false,
      );
      expect(attribute.value.trim().toLowerCase()).not.to.match(/^javascript:/);
    }
  }
  const text = textOf(el);
  for (const value of shown) expect(text, 'shown as text').to.contain(value.replace(/\s+/g, ' '));
}

/** An API message a widget may or may not show: if it does, all of it, as text. */
function assertVerbatimOrAbsent(el: Element, message: string): void {
  const text = textOf(el);
  if (!text.includes(message)) expect(text).not.to.contain('constructor.constructor');
}

/** A token for the demo account, minted by the partner backend the runner plays. */
async function tokenFor(d: Demo, scopes: string[]): Promise<string> {
  const response = await fetch(tokenUrl(d, { scopes }), { method: 'POST' });
  return ((await response.json()) as { token: string }).token;
}

/** A call to the real core API, as a partner's page would make it. */
async function api(
  d: Demo,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(`${d.apiBase}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'idempotency-key': crypto.randomUUID(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Rewrites the JSON answers of matching GETs to the real API; returns the undo. */
function interceptJson(
  matches: (url: string) => boolean,
  rewrite: (
    body: Record<string, unknown>,
    response: Response,
  ) => { status?: number; body: unknown },
): () => void {
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await original(request);
    if (request.method !== 'GET' || !matches(request.url)) return response;
    const changed = rewrite((await response.json()) as Record<string, unknown>, response);
    const headers = new Headers({ 'content-type': 'application/json' });
    for (const name of ['etag', 'x-request-id'])
      if (response.headers.has(name)) headers.set(name, response.headers.get(name)!);
    return new Response(JSON.stringify(changed.body), {
      status: changed.status ?? response.status,
      headers,
    });
  };
  return () => {
    window.fetch = original;
  };
}

async function mountQuote(d: Demo, quoteId: string, scopes: string[]): Promise<TesseraQuote> {
  const el = await fixture<TesseraQuote>(
    html`<tessera-quote
      quote-id=${quoteId}
      api-base=${d.apiBase}
      token-url=${tokenUrl(d, { scopes })}
      locale="en-US"
    ></tessera-quote>`,
  );
  await until(() => el.state.status !== 'loading', 'the quote never left loading');
  await el.updateComplete;
  return el;
}

async function mountAccount(d: Demo): Promise<TesseraAccount> {
  const el = await fixture<TesseraAccount>(
    html`<tessera-account
      account-id=${d.accountId}
      api-base=${d.apiBase}
      token-url=${tokenUrl(d, { scopes: ['account:read', 'account:write'] })}
      locale="en-US"
    ></tessera-account>`,
  );
  await until(() => el.state.status === 'viewing', `the account never showed (${el.state.status})`);
  await el.updateComplete;
  return el;
}

describe('API strings containing markup or script render as inert text', () => {
  let d: Demo;
  let undo: (() => void) | undefined;

  beforeEach(async () => {
    delete (globalThis as Flagged)[FLAG];
    d = await demo();
  });

  afterEach(() => {
    undo?.();
    undo = undefined;
    delete (globalThis as Flagged)[FLAG];
  });

  it('the flag and the probe work: markup put into innerHTML does run its onerror (the check can fail)', async () => {
    const host = document.createElement('div');
    host.innerHTML = PAYLOAD.img;
    document.body.append(host);
    await until(() => (globalThis as Flagged)[FLAG] === 'img', 'the control payload never ran');
    host.remove();
  });

  it('<tessera-account>: account fields written through the real API (PATCH /v1/accounts/:id) as markup, script, javascript: URLs and {{…}} show as text in view and edit mode', async () => {
    const token = await tokenFor(d, ['account:read', 'account:write']);
    const current = (await (await api(d, token, 'GET', `/v1/accounts/${d.accountId}`)).json()) as {
      version: number;
      billing_address: Record<string, string>;
    };
    const values = {
      legal_name: `${PAYLOAD.img} ${PAYLOAD.template}`,
      line1: `${PAYLOAD.script} ${PAYLOAD.link}`,
      line2: `${PAYLOAD.svg} ${PAYLOAD.iframe}`,
      city: PAYLOAD.url,
      postal_code: '<b>10117</b>',
    };
    await api(
      d,
      token,
      'PATCH',
      `/v1/accounts/${d.accountId}`,
      {
        legal_name: values.legal_name,
        billing_address: {
          ...current.billing_address,
          line1: values.line1,
          line2: values.line2,
          city: values.city,
          postal_code: values.postal_code,
        },
      },
      { 'if-match': `"${current.version}"` },
    );

    const el = await mountAccount(d);
    await assertInert(el, Object.values(values));

    shadowOf(el).querySelector<HTMLButtonElement>('#edit')!.click();
    await until(() => el.state.status === 'editing', 'edit mode never opened');
    await el.updateComplete;
    await assertInert(el, []);
    const field = (id: string) => shadowOf(el).querySelector<HTMLInputElement>(`#${id}`)!.value;
    expect(field('legal-name')).to.equal(values.legal_name);
    expect(field('line1')).to.equal(values.line1);
    expect(field('line2')).to.equal(values.line2);
    expect(field('city')).to.equal(values.city);
    expect(field('postal-code')).to.equal(values.postal_code);
  });

  it("<tessera-quote>: an accepted quote's signer name written through the real API (POST /v1/quotes/:id/accept) as markup and {number}/{{…}} shows as text, unsubstituted", async () => {
    const token = await tokenFor(d, ['quote:read', 'quote:accept']);
    const name = `${PAYLOAD.short} ${PAYLOAD.template}`.slice(0, 200);
    await api(d, token, 'POST', `/v1/quotes/${d.quotes.open}/accept`, {
      signer_name: name,
      signer_email: 'ada@example.com',
      accept_terms: true,
    });

    const el = await mountQuote(d, d.quotes.open, ['quote:read']);
    expect(el.state.status).to.equal('accepted');
    await assertInert(el, [`Accepted by ${name}.`]);
  });

  it("<tessera-quote>: a quote whose number and line item descriptions are markup (served by a fetch interceptor rewriting the real API's answer: no route writes line items) shows them as text", async () => {
    const descriptions = [
      PAYLOAD.img,
      PAYLOAD.script,
      PAYLOAD.svg,
      PAYLOAD.iframe,
      PAYLOAD.link,
      PAYLOAD.url,
      PAYLOAD.template,
    ];
    undo = interceptJson(
      (url) => url.endsWith(`/v1/quotes/${d.quotes.open}`),
      (quote) => {
        const items = quote.line_items as { description: string }[];
        return {
          body: {
            ...quote,
            number: PAYLOAD.short,
            line_items: descriptions.map((description, index) => ({
              ...items[index % items.length],
              id: `li_${index}`,
              description,
            })),
          },
        };
      },
    );
    const el = await mountQuote(d, d.quotes.open, ['quote:read', 'quote:accept']);
    expect(el.state.status, 'the rewritten quote was refused').to.equal('ready');
    expect(shadowOf(el).querySelectorAll('[part="line-item"]')).to.have.length(descriptions.length);
    await assertInert(el, [PAYLOAD.short, ...descriptions]);
  });

  it('<tessera-quote> and <tessera-account>: API errors whose message and request id are markup (served by a fetch interceptor: no request makes the API say that) show them as text', async () => {
    const message = `${PAYLOAD.img} ${PAYLOAD.template}`;
    const envelope = (code: string) => ({
      error: { code, message, request_id: PAYLOAD.short, doc_url: PAYLOAD.url },
    });
    undo = interceptJson(
      (url) =>
        url.endsWith(`/v1/quotes/${d.quotes.open}`) || url.endsWith(`/v1/accounts/${d.accountId}`),
      (_body, response) =>
        response.url.includes('/v1/quotes/')
          ? { status: 404, body: envelope('not_found') }
          : { status: 400, body: envelope('validation_failed') },
    );
    // Widgets word most errors themselves; the request id is always the API's.
    const quote = await mountQuote(d, d.quotes.open, ['quote:read']);
    expect(quote.state.status).to.equal('error');
    await assertInert(quote, [`Reference: ${PAYLOAD.short}`]);
    assertVerbatimOrAbsent(quote, message);
    const account = await fixture<TesseraAccount>(
      html`<tessera-account
        account-id=${d.accountId}
        api-base=${d.apiBase}
        token-url=${tokenUrl(d, { scopes: ['account:read'] })}
        locale="en-US"
      ></tessera-account>`,
    );
    await until(() => account.state.status === 'error', 'the account never failed');
    await account.updateComplete;
    await assertInert(account, [`Reference: ${PAYLOAD.short}`]);
    assertVerbatimOrAbsent(account, message);
  });
});
