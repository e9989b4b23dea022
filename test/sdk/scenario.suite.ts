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
  /** Whether the target serves the accounts, quotes and events routes of the partner API. */
  partnerApi: boolean | string;
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
    const sent: { method: string; path: string }[] = [];
    const count = (path: string) => sent.filter((request) => request.path === path).length;
    const run = randomUUID().slice(0, 8);

    before(async () => {
      target = await start();
      const fetch: FetchLike = (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input);
        sent.push({ method: init?.method ?? 'GET', path: url.pathname });
        return target.options.fetch(input, init);
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
      const skip = () =>
        target.partnerApi === true ? false : String(target.partnerApi || 'no partner API');
      const email = (n: string) => `billing+${run}-${n}@acme.example`;

      it('creates an account by its external id, then updates it', async (t) => {
        if (skip()) return t.skip(skip() as string);
        const created = await tessera.accounts.upsert(`cust-${run}-1`, fields(email('1')));
        assert.equal(created.external_id, `cust-${run}-1`);
        assert.equal(created.version, 1);
        const updated = await tessera.accounts.upsert(
          `cust-${run}-1`,
          fields(email('1'), 'Acme Group Ltd'),
          { ifMatch: created.version },
        );
        assert.equal(updated.id, created.id);
        assert.equal(updated.version, 2);
        assert.equal((await tessera.accounts.get(`cust-${run}-1`)).legal_name, 'Acme Group Ltd');
      });

      it('refuses a second external id with the same billing email, naming the existing account', async (t) => {
        if (skip()) return t.skip(skip() as string);
        const existing = await tessera.accounts.get(`cust-${run}-1`);
        await assert.rejects(
          tessera.accounts.upsert(`cust-${run}-2`, fields(`  ${email('1').toUpperCase()}`.trim())),
          (error) =>
            isTesseraError(error, 'account_duplicate') &&
            error.status === 409 &&
            error.details?.account_id === existing.id,
        );
      });

      it('lists accounts across pages', async (t) => {
        if (skip()) return t.skip(skip() as string);
        await tessera.accounts.upsert(`cust-${run}-3`, fields(email('3')));
        const seen: string[] = [];
        for await (const account of tessera.accounts.list({ limit: 1 })) {
          seen.push(account.external_id);
        }
        assert.ok(seen.includes(`cust-${run}-1`) && seen.includes(`cust-${run}-3`));
        assert.equal(new Set(seen).size, seen.length);
      });

      it('creates a quote with computed totals, reads it, voids it', async (t) => {
        if (skip()) return t.skip(skip() as string);
        const quote = await tessera.quotes.create({
          external_id: `cust-${run}-1`,
          currency: 'GBP',
          line_items: [
            { description: 'Seats', quantity: 3, unit_amount: 1500 },
            { description: 'Setup', quantity: 1, unit_amount: 5000 },
          ],
          tax: 1900,
          valid_until: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        });
        assert.equal(quote.status, 'open');
        assert.equal(quote.subtotal, 9500);
        assert.equal(quote.total, 11_400);
        assert.equal((await tessera.quotes.get(quote.id)).id, quote.id);
        const voided = await tessera.quotes.void(quote.id);
        assert.equal(voided.status, 'expired');
        await assert.rejects(
          tessera.quotes.create({
            external_id: `cust-${run}-1`,
            currency: 'GBP',
            line_items: [{ description: 'Seats', quantity: 3, unit_amount: 1500 }],
            tax: 0,
            total: 1,
            valid_until: new Date(Date.now() + 86_400_000).toISOString(),
          }),
          (error) =>
            isTesseraError(error, 'validation_failed') &&
            JSON.stringify(error.details).includes('total'),
        );
      });

      it('iterates the event feed across pages and resumes from its checkpoint', async (t) => {
        if (skip()) return t.skip(skip() as string);
        for (const n of ['a', 'b', 'c']) {
          await tessera.accounts.upsert(`cust-${run}-1`, fields(email('1'), `Acme ${n}`));
        }
        const all: number[] = [];
        for await (const event of tessera.events.list({ types: ['account.updated'], limit: 2 })) {
          all.push(event.cursor);
        }
        assert.ok(all.length >= 3);

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
      });
    });
  });
}
