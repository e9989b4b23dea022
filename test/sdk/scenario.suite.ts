/**
 * One partner integration, written against `@tessera/node` as a partner would write it, run
 * against each target: the in-memory fake of `@tessera/node/testing` and the real token service
 * and core API. Whatever the fake answers differently from the real services fails here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PartnerAccountUpsert } from '../../contracts/index.ts';
import { Tessera, isTesseraError, type FetchLike } from '../../sdk/index.ts';

export interface ScenarioTarget {
  /** Options for `new Tessera`, with a `fetch` the suite wraps to count requests. */
  options: {
    secretKey: string;
    partnerId: string;
    tokenServiceUrl: string;
    apiUrl: string;
    fetch: FetchLike;
  };
  /** An account linked to the partner, for widget tokens. */
  subject: string;
  origin: string;
  close(): Promise<void>;
}

const address = { line1: '1 Long Lane', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' };
const fields = (email: string, name = 'Acme Ltd'): PartnerAccountUpsert => ({
  legal_name: name,
  billing_email: email,
  billing_address: address,
  currency: 'GBP',
});

export function scenarioSuite(name: string, start: () => Promise<ScenarioTarget>): void {
  describe(`a partner integration on @tessera/node, against ${name}`, () => {
    let target: ScenarioTarget;
    let tessera: Tessera;
    const sent: { method: string; path: string; status?: number }[] = [];
    const count = (path: string) => sent.filter((request) => request.path === path).length;
    /** The status of the last answered request with this method. */
    const lastStatus = (method: string) =>
      sent.findLast((request) => request.method === method && request.status !== undefined)?.status;
    const run = randomUUID().slice(0, 8);

    before(async () => {
      target = await start();
      const fetch: FetchLike = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input);
        const request: (typeof sent)[number] = {
          method: init?.method ?? 'GET',
          path: url.pathname,
        };
        sent.push(request);
        const response = await target.options.fetch(input, init);
        request.status = response.status;
        return response;
      };
      tessera = new Tessera({ ...target.options, fetch });
    });
    after(() => target?.close());

    it('mints a widget token for a customer in one call', async () => {
      const minted = await tessera.widgetTokens.create({
        subject: target.subject,
        scopes: ['quote:read', 'quote:accept'],
        origin: target.origin,
        ttlSeconds: 120,
      });
      assert.equal(minted.token_type, 'Bearer');
      assert.deepEqual(minted.scopes, ['quote:read', 'quote:accept']);
      assert.equal(minted.expires_in, 120);
      assert.ok(Date.parse(minted.expires_at) > Date.now());
    });

    it('refuses a widget token request with a bad origin before sending it', async () => {
      const before = sent.length;
      await assert.rejects(
        tessera.widgetTokens.create({
          subject: target.subject,
          scopes: ['quote:read'],
          origin: 'https://shop.example/path',
        }),
        (error) => isTesseraError(error, 'validation_failed'),
      );
      assert.equal(sent.length, before);
    });

    it('obtains one partner token for concurrent calls and reuses it', async () => {
      await Promise.all([
        tessera.webhookEndpoints.list(),
        tessera.webhookEndpoints.list(),
        tessera.webhookEndpoints.list(),
      ]);
      await tessera.webhookEndpoints.list();
      assert.equal(count('/oauth/token'), 1);
    });

    it('manages a webhook endpoint: create, read, pause, rotate, test, delete', async () => {
      const created = await tessera.webhookEndpoints.create({
        url: 'http://127.0.0.1:9/hooks',
        event_types: ['quote.accepted', 'account.updated'],
        description: `scenario ${run}`,
      });
      assert.match(created.secret, /^whsec_/);
      assert.equal(created.status, 'enabled');
      assert.ok((await tessera.webhookEndpoints.list()).some((e) => e.id === created.id));
      const read = await tessera.webhookEndpoints.get(created.id);
      assert.equal(read.version, created.version);

      const paused = await tessera.webhookEndpoints.update(created.id, { status: 'paused' });
      assert.equal(paused.status, 'paused');
      assert.equal(paused.version, created.version + 1);
      await assert.rejects(
        tessera.webhookEndpoints.update(created.id, { status: 'enabled' }, { ifMatch: 1 }),
        (error) => isTesseraError(error, 'version_conflict') && error.status === 412,
      );

      const rotated = await tessera.webhookEndpoints.rotateSecret(created.id);
      assert.notEqual(rotated.secret, created.secret);
      assert.ok(rotated.previous_secret_expires_at);
      const test = await tessera.webhookEndpoints.test(created.id);
      assert.equal(typeof test.event_id, 'string');
      const deliveries = await tessera.webhookEndpoints.deliveries(created.id);
      assert.ok(Array.isArray(deliveries.data));

      const deleted = await tessera.webhookEndpoints.delete(created.id);
      assert.equal(deleted.id, created.id);
      await assert.rejects(tessera.webhookEndpoints.get(created.id), (error) =>
        isTesseraError(error, 'not_found'),
      );
    });

    it('answers the same key and body with the first answer, and refuses the key for another body', async () => {
      const key = `scenario-${randomUUID()}`;
      const input = {
        url: 'http://127.0.0.1:9/once',
        event_types: ['quote.accepted' as const],
        description: `idempotent ${run}`,
      };
      const first = await tessera.webhookEndpoints.create(input, { idempotencyKey: key });
      const again = await tessera.webhookEndpoints.create(input, { idempotencyKey: key });
      assert.equal(again.id, first.id);
      await assert.rejects(
        tessera.webhookEndpoints.create(
          { ...input, description: 'another' },
          { idempotencyKey: key },
        ),
        (error) => isTesseraError(error, 'idempotency_key_reused') && error.status === 422,
      );
      await tessera.webhookEndpoints.delete(first.id);
    });

    it('refuses a malformed body with validation_failed naming the field', async () => {
      await assert.rejects(
        tessera.webhookEndpoints.create({ url: 'ftp://nope', event_types: ['quote.accepted'] }),
        (error) =>
          isTesseraError(error, 'validation_failed') &&
          error.status === 400 &&
          JSON.stringify(error.details).includes('url'),
      );
    });

    describe('accounts, quotes and the event feed', () => {
      const email = (n: string) => `billing+${run}-${n}@acme.example`;
      const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
      const fieldIssues = (error: unknown) =>
        isTesseraError(error, 'validation_failed')
          ? ((error.details?.fields ?? []) as { path: string; code: string }[]).map(
              ({ path, code }) => ({ path, code }),
            )
          : [];

      it('creates an account by its external id (201), then updates it (200) under If-Match', async () => {
        const created = await tessera.accounts.upsert(`cust-${run}-1`, fields(email('1')));
        assert.equal(lastStatus('PUT'), 201);
        assert.equal(created.external_id, `cust-${run}-1`);
        assert.equal(created.version, 1);
        assert.equal(created.eventId, undefined, 'creating an account writes no event');
        const updated = await tessera.accounts.upsert(
          `cust-${run}-1`,
          fields(email('1'), 'Acme Group Ltd'),
          { ifMatch: created.version },
        );
        assert.equal(lastStatus('PUT'), 200);
        assert.equal(updated.id, created.id);
        assert.equal(updated.version, 2);
        assert.equal((await tessera.accounts.get(`cust-${run}-1`)).legal_name, 'Acme Group Ltd');

        const unchanged = await tessera.accounts.upsert(
          `cust-${run}-1`,
          fields(email('1'), 'Acme Group Ltd'),
        );
        assert.equal(lastStatus('PUT'), 200);
        assert.equal(unchanged.version, 2, 'an upsert that changes nothing keeps the version');
        assert.equal(unchanged.eventId, undefined, 'and writes no event');
      });

      it('names the event an update wrote, the one the feed and the webhooks carry', async () => {
        const updated = await tessera.accounts.upsert(
          `cust-${run}-1`,
          fields(email('1'), 'Acme Holdings Ltd'),
        );
        assert.match(updated.eventId ?? '', /^evt_/);
        // The id rides beside the resource, not in it: the object is the contract's account.
        assert.ok(!Object.keys(updated).includes('eventId'));
        assert.ok(!JSON.stringify(updated).includes('eventId'));
        const events = [];
        for await (const event of tessera.events.list({ types: ['account.updated'] }))
          events.push(event);
        const written = events.find((event) => event.id === updated.eventId);
        assert.ok(written, 'the feed holds the event the update named');
        assert.equal(written.account_id, updated.id);
        assert.equal(written.data.legal_name, 'Acme Holdings Ltd');
        assert.equal(written.data.version, updated.version);
        assert.equal(
          events.filter(
            (event) => event.data.id === updated.id && event.data.version === updated.version,
          ).length,
          1,
          'one event per change',
        );
      });

      it('refuses a stale If-Match with the current version, and any If-Match before the account exists', async () => {
        const current = await tessera.accounts.get(`cust-${run}-1`);
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-1`, fields(email('1'), 'Stale Ltd'), {
            ifMatch: 1,
          }),
          (error) =>
            isTesseraError(error, 'version_conflict') &&
            error.status === 412 &&
            error.details?.current_version === current.version,
        );
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-never`, fields(email('never')), { ifMatch: 1 }),
          (error) => isTesseraError(error, 'version_conflict') && error.status === 412,
        );
        await assert.rejects(
          tessera.accounts.get('not an id'),
          (error) =>
            fieldIssues(error).some(
              (issue) => issue.path === 'external_id' && issue.code === 'invalid_format',
            ) && (error as { status: number }).status === 400,
        );
        await assert.rejects(
          tessera.accounts.get(`cust-${run}-never`),
          (error) => isTesseraError(error, 'not_found') && error.status === 404,
        );
      });

      it('refuses a second external id with the same billing email, naming the existing account', async () => {
        const existing = await tessera.accounts.get(`cust-${run}-1`);
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-2`, fields(`  ${email('1').toUpperCase()}`.trim())),
          (error) => {
            assert.ok(isTesseraError(error, 'account_duplicate'), String(error));
            assert.equal(error.status, 409);
            assert.deepEqual(error.details, {
              account_id: existing.id,
              external_id: `cust-${run}-1`,
            });
            return true;
          },
        );
      });

      it('refuses a tax id that does not fit the billing country, naming the field', async () => {
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-4`, { ...fields(email('4')), tax_id: 'GB123' }),
          (error) => {
            assert.deepEqual(fieldIssues(error), [{ path: 'tax_id', code: 'invalid_tax_id' }]);
            return true;
          },
        );
      });

      it('refuses a country, region or currency the reference data does not know, naming each field', async () => {
        const base = fields(email('5'));
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-5`, {
            ...base,
            billing_address: { ...base.billing_address, country: 'XX' },
            currency: 'XXX',
          }),
          (error) => {
            assert.deepEqual(fieldIssues(error), [
              { path: 'billing_address.country', code: 'unknown_country' },
              { path: 'currency', code: 'unknown_currency' },
            ]);
            return true;
          },
        );
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-5`, {
            ...base,
            billing_address: { ...base.billing_address, country: 'GB', region: 'US-CA' },
          }),
          (error) => {
            assert.deepEqual(fieldIssues(error), [
              { path: 'billing_address.region', code: 'unknown_region' },
            ]);
            return true;
          },
        );
      });

      it('lists accounts across pages, and an empty page after the last one', async () => {
        await tessera.accounts.upsert(`cust-${run}-3`, fields(email('3')));
        const first = await tessera.accounts.list({ limit: 1 });
        assert.equal(first.data.length, 1);
        assert.equal(first.has_more, true);
        assert.ok(first.next_cursor > 0);
        const seen: string[] = [];
        const all = tessera.accounts.list({ limit: 1 });
        for await (const account of all) seen.push(account.external_id);
        assert.ok(seen.includes(`cust-${run}-1`) && seen.includes(`cust-${run}-3`));
        assert.equal(new Set(seen).size, seen.length);
        const end = await tessera.accounts.list({ after: all.checkpoint });
        assert.deepEqual(end, { data: [], next_cursor: all.checkpoint, has_more: false });
      });

      it('creates a quote with computed totals and line ids, reads it, voids it once', async () => {
        const quote = await tessera.quotes.create({
          external_id: `cust-${run}-1`,
          currency: 'GBP',
          line_items: [
            { description: 'Seats', quantity: 3, unit_amount: 1500 },
            { description: 'Setup', quantity: 1, unit_amount: 5000, amount: 5000 },
          ],
          tax: 1900,
          valid_until: inAWeek(),
        });
        assert.equal(lastStatus('POST'), 201);
        assert.equal(quote.status, 'open');
        assert.equal(quote.version, 1);
        assert.match(quote.number, /^Q-\d{6}$/);
        assert.deepEqual(
          quote.line_items.map((line) => [line.id, line.amount]),
          [
            ['li_1', 4500],
            ['li_2', 5000],
          ],
        );
        assert.equal(quote.subtotal, 9500);
        assert.equal(quote.total, 11_400);
        assert.equal(quote.account_id, (await tessera.accounts.get(`cust-${run}-1`)).id);
        assert.equal(quote.eventId, undefined);
        assert.deepEqual(await tessera.quotes.get(quote.id), { ...quote });

        await assert.rejects(
          tessera.quotes.void(quote.id, { ifMatch: 7 }),
          (error) => isTesseraError(error, 'version_conflict') && error.status === 412,
        );
        const before = Date.now();
        const voided = await tessera.quotes.void(quote.id, { ifMatch: quote.version });
        assert.equal(lastStatus('POST'), 200);
        assert.equal(voided.status, 'expired');
        assert.equal(voided.version, 2);
        const ended = Date.parse(voided.valid_until);
        assert.ok(
          ended >= before - 1000 && ended <= Date.now() + 1000,
          'valid until it was voided',
        );
        assert.equal((await tessera.quotes.get(quote.id)).status, 'expired');
        await assert.rejects(tessera.quotes.void(quote.id), (error) => {
          assert.ok(isTesseraError(error, 'quote_expired'), String(error));
          assert.equal(error.status, 409);
          assert.equal(error.details?.status, 'expired');
          return true;
        });
      });

      it('numbers quotes as asked, once, and refuses totals, dates and accounts it cannot take', async () => {
        const line = { description: 'Seats', quantity: 3, unit_amount: 1500 };
        const numbered = await tessera.quotes.create({
          external_id: `cust-${run}-1`,
          number: `PO-${run}`,
          currency: 'GBP',
          line_items: [{ ...line, id: 'seats' }],
          tax: 0,
          valid_until: inAWeek(),
        });
        assert.equal(numbered.number, `PO-${run}`);
        assert.deepEqual(
          numbered.line_items.map((item) => item.id),
          ['seats'],
        );
        const refusal = async (input: Partial<Parameters<typeof tessera.quotes.create>[0]>) => {
          try {
            await tessera.quotes.create({
              external_id: `cust-${run}-1`,
              currency: 'GBP',
              line_items: [line],
              tax: 0,
              valid_until: inAWeek(),
              ...input,
            });
          } catch (error) {
            if (isTesseraError(error))
              return { code: error.code, status: error.status, fields: fieldIssues(error) };
            throw error;
          }
          return 'created';
        };
        const invalid = (path: string, code: string) => ({
          code: 'validation_failed',
          status: 400,
          fields: [{ path, code }],
        });
        assert.deepEqual(await refusal({ number: `PO-${run}` }), invalid('number', 'already_used'));
        assert.deepEqual(await refusal({ total: 1 }), invalid('total', 'amount_mismatch'));
        assert.deepEqual(
          await refusal({ currency: 'XXX' }),
          invalid('currency', 'unknown_currency'),
        );
        assert.deepEqual(
          await refusal({ line_items: [{ ...line, amount: 1 }] }),
          invalid('line_items.0.amount', 'amount_mismatch'),
        );
        assert.deepEqual(
          await refusal({ valid_until: new Date(Date.now() - 60_000).toISOString() }),
          invalid('valid_until', 'too_small'),
        );
        assert.deepEqual(
          await refusal({ valid_until: new Date(Date.now() + 400 * 86_400_000).toISOString() }),
          invalid('valid_until', 'too_big'),
        );
        assert.deepEqual(await refusal({ external_id: `cust-${run}-nobody` }), {
          code: 'not_found',
          status: 404,
          fields: [],
        });
      });

      it('iterates the event feed across pages and resumes from its checkpoint', async () => {
        for (const n of ['a', 'b', 'c']) {
          await tessera.accounts.upsert(`cust-${run}-1`, fields(email('1'), `Acme ${n}`));
        }
        const all: number[] = [];
        for await (const event of tessera.events.list({ types: ['account.updated'], limit: 2 })) {
          all.push(event.cursor);
        }
        assert.ok(all.length >= 3);
        assert.deepEqual(
          all,
          [...all].sort((a, b) => a - b),
          'oldest first',
        );

        const saved: number[] = [];
        const first = tessera.events.list({
          types: ['account.updated'],
          limit: 2,
          onCheckpoint: (cursor) => void saved.push(cursor),
        });
        const handled: number[] = [];
        for await (const event of first) {
          handled.push(event.cursor);
          if (handled.length === 2) break;
        }
        // The event the loop broke on was not asked past: it is seen again on resume.
        assert.equal(first.checkpoint, handled[0]);
        assert.deepEqual(saved, [handled[0]]);
        const resumed: number[] = [];
        for await (const event of tessera.events.list({
          types: ['account.updated'],
          after: first.checkpoint,
          limit: 2,
        }))
          resumed.push(event.cursor);
        assert.deepEqual([handled[0], ...resumed], all);

        const last = all.at(-1)!;
        assert.deepEqual(await tessera.events.list({ after: last, types: ['account.updated'] }), {
          data: [],
          next_cursor: last,
          has_more: false,
        });
        const others = await tessera.events.list({ types: ['quote.accepted', 'quote.declined'] });
        assert.ok(others.data.every((event) => event.type.startsWith('quote.')));
        assert.ok(!others.data.some((event) => all.includes(event.cursor)));
      });

      it('replays an endpoint from a feed cursor or an event id, and deletes only the version read', async () => {
        const endpoint = await tessera.webhookEndpoints.create({
          url: 'http://127.0.0.1:9/replay',
          event_types: ['account.updated'],
          description: `replay ${run}`,
        });
        const events = [];
        for await (const event of tessera.events.list({ types: ['account.updated'] }))
          events.push(event);
        assert.ok(events.length >= 2);
        const replayed = await tessera.webhookEndpoints.replay(endpoint.id, { after: '0' });
        assert.equal(replayed.queued, events.length);
        const fromId = await tessera.webhookEndpoints.replay(endpoint.id, {
          after: events.at(-2)!.id,
        });
        assert.equal(fromId.queued, 1);
        await assert.rejects(
          tessera.webhookEndpoints.replay(endpoint.id, { after: 'evt_nosuchevent' }),
          (error) => isTesseraError(error, 'not_found'),
        );
        await assert.rejects(
          tessera.webhookEndpoints.delete(endpoint.id, { ifMatch: endpoint.version + 1 }),
          (error) => isTesseraError(error, 'version_conflict') && error.status === 412,
        );
        const deleted = await tessera.webhookEndpoints.delete(endpoint.id, {
          ifMatch: endpoint.version,
        });
        assert.equal(deleted.id, endpoint.id);
      });
    });
  });
}
