/**
 * `@tessera/widgets/ssr` on the server, against the real token service and core API: what it
 * writes for each widget (declarative shadow root, the data, the token), where it reads the data
 * from, and how it refuses what it must not render — always with a code from the catalogue.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../../contracts/index.ts';
import type { Quote } from '../../../contracts/v1/quote.ts';
import { seedDemo, type SeedResult } from '../../../core-api/seed.ts';
import { WidgetError } from '../../../widgets/core/errors.ts';
import { SERVER_DATA_ATTRIBUTE } from '../../../widgets/core/server-data.ts';
import { renderAccount, renderOnboarding, renderQuote } from '../../../widgets/ssr/index.ts';
import { startTestStack, type TestStack } from '../../core-api/helpers.ts';

const QUOTE_SCOPES: Scope[] = ['quote:read', 'quote:accept'];

/** The JSON the renderer embedded for the browser, parsed as the browser parses it. */
function embedded(html: string): Record<string, unknown> {
  const match = new RegExp(
    `<script type="application/json" ${SERVER_DATA_ATTRIBUTE}>([^<]*)</script>`,
  ).exec(html);
  assert.ok(match?.[1], 'no data block');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

/** The text a reader sees in the shadow root: tags, comments and the styles dropped. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

async function rejection(promise: Promise<unknown>): Promise<WidgetError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WidgetError, `not a WidgetError: ${String(error)}`);
    return error;
  }
  assert.fail('it rendered');
}

describe('the server renderer', () => {
  let stack: TestStack;
  let seed: SeedResult;
  let quote: Quote;

  before(async () => {
    stack = await startTestStack();
    seed = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const stored = await stack.api.store.getQuote(seed.quotes.open);
    assert.ok(stored);
    quote = stored;
  });
  after(() => stack.close());

  const token = (scopes: Scope[] = QUOTE_SCOPES, subject = seed.account_id) =>
    stack.token(scopes, { subject });

  it('writes the quote element with its declarative shadow root, the quote and the token', async () => {
    const widgetToken = await token();
    const html = await (await renderQuote({ quote, token: widgetToken, locale: 'de' })).text();
    assert.match(html, /^<!--lit-part [^>]+--><!--lit-node 0--><tessera-quote\b/);
    assert.match(html, /<template shadowroot="open" shadowrootmode="open"><style>/);
    assert.ok(html.includes(`quote-id="${quote.id}"`));
    assert.ok(html.includes(`locale="de"`));
    assert.ok(html.includes(`token="${widgetToken}"`));
    const text = visibleText(html);
    assert.ok(text.includes(`Angebot ${quote.number}`), text);
    for (const item of quote.line_items) assert.ok(text.includes(item.description));
    assert.deepEqual(embedded(html), { quote, etag: `"${quote.version}"` });
  });

  it('streams the same HTML it collects', async () => {
    const markup = await renderQuote({ quote, token: await token() });
    const chunks: Buffer[] = [];
    for await (const chunk of markup.stream()) chunks.push(Buffer.from(chunk as string));
    assert.equal(Buffer.concat(chunks).toString('utf8'), await markup.text());
  });

  it('reads the quote from the widget route when given only its id, as the widget would', async () => {
    const html = await (
      await renderQuote({ quoteId: quote.id, token: await token(), apiBase: stack.api.url })
    ).text();
    assert.deepEqual(embedded(html).quote, quote);
  });

  it('embeds text that closes a script as data, never as markup', async () => {
    const hostile = {
      ...quote,
      line_items: [
        { ...quote.line_items[0]!, description: '</script><script>alert(1)</script>&\u2028' },
      ],
    };
    const html = await (await renderQuote({ quote: hostile, token: await token() })).text();
    assert.equal(html.match(/<script/g)?.length, 1);
    const data = embedded(html) as { quote: Quote };
    assert.equal(
      data.quote.line_items[0]?.description,
      '</script><script>alert(1)</script>&\u2028',
    );
  });

  it('shows a read-only token the quote without its actions, as the browser will', async () => {
    const html = await (await renderQuote({ quote, token: await token(['quote:read']) })).text();
    const text = visibleText(html);
    assert.ok(text.includes(quote.number));
    assert.ok(text.includes('you may not accept or decline it'), text);
    assert.ok(!text.includes('Accept quote'), text);
    assert.ok(!html.includes('<form'));
  });

  it('refuses a draft, and a quote of another customer, as the widget route would: not_found', async () => {
    const draft = await rejection(
      renderQuote({ quote: { ...quote, status: 'draft' }, token: await token() }),
    );
    assert.equal(draft.code, 'not_found');
    const other = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const foreign = await rejection(
      renderQuote({ quote, token: await token(QUOTE_SCOPES, other.account_id) }),
    );
    assert.equal(foreign.code, 'not_found');
  });

  it('refuses data that is not the contract’s quote: schema_mismatch, naming the field', async () => {
    const error = await rejection(
      renderQuote({ quote: { ...quote, total: 'a lot' }, token: await token() }),
    );
    assert.equal(error.code, 'schema_mismatch');
    assert.match(JSON.stringify(error.details), /total/);
  });

  it('needs apiBase to read what it was not given: configuration_invalid', async () => {
    const error = await rejection(renderQuote({ quoteId: quote.id, token: await token() }));
    assert.equal(error.code, 'configuration_invalid');
  });

  it('passes on the core API’s refusal with its code', async () => {
    const error = await rejection(
      renderQuote({
        quoteId: quote.id,
        token: await token(['account:read']),
        apiBase: stack.api.url,
      }),
    );
    assert.equal(error.code, 'insufficient_scope');
  });

  it('renders the account without the partner’s external id, with countries to name', async () => {
    const account = await stack.api.store.getAccount(seed.account_id);
    assert.ok(account);
    const html = await (
      await renderAccount({
        account: { ...account, external_id: 'shop-customer-1' },
        token: await token(['account:read', 'account:write']),
        apiBase: stack.api.url,
        locale: 'fr',
      })
    ).text();
    assert.ok(!html.includes('shop-customer-1'));
    const data = embedded(html) as { account: unknown; countries: { data: unknown[] } };
    assert.deepEqual(data.account, account);
    assert.ok(data.countries.data.length > 0);
    assert.ok(visibleText(html).includes(account.legal_name));
  });

  it('starts or resumes the customer’s onboarding, with the reference data its form needs', async () => {
    const html = await (
      await renderOnboarding({
        token: await token(['onboarding:read', 'onboarding:write']),
        apiBase: stack.api.url,
      })
    ).text();
    const data = embedded(html) as {
      application: { id: string; account_id: string };
      countries: { data: unknown[] };
      currencies: { data: unknown[] };
    };
    assert.equal(data.application.account_id, seed.account_id);
    assert.ok(data.countries.data.length > 0 && data.currencies.data.length > 0);
    assert.match(html, /<tessera-onboarding\b/);
  });
});
