import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { TesseraError, WebhookPayload } from '../../../contracts/index.ts';
import { Kek } from '../../../service-kit/kek.ts';
import type { CoreStore, DomainEventType } from '../../../core-api/store/types.ts';
import type { Resolver } from '../../../core-api/webhooks/address-guard.ts';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  replayWebhookEvents,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
  type WebhookPartner,
} from '../../../core-api/webhooks/endpoints.ts';
import { createWebhookMetrics } from '../../../core-api/webhooks/metrics.ts';
import { WebhookWorker, type WebhookWorkerOptions } from '../../../core-api/webhooks/worker.ts';
import { startReceiver, type Answer, type Receiver } from './receiver.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(62)]).join('');

/** Compressed so a test walks the whole schedule in well under a second. */
export const FAST_SCHEDULE = [0, 40, 80, 120];
export const JITTER = 0.1;
const silent = pino({ level: 'silent' });

export function deliverySuite(name: string, open: () => Promise<CoreStore>) {
  describe(`webhook delivery (${name})`, () => {
    let store: CoreStore;
    const kek = Kek.fromBase64(randomBytes(32).toString('base64'));
    const cleanups: (() => Promise<unknown>)[] = [];
    before(async () => {
      store = await open();
    });
    after(() => store.close());
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    const partner = (mode: 'test' | 'live' = 'test'): WebhookPartner => ({
      partnerId: `ptn_${alnum(16)}`,
      mode,
    });
    async function receiver(answer?: Answer): Promise<Receiver> {
      const started = await startReceiver(answer);
      cleanups.push(() => started.close());
      return started;
    }
    function worker(options: Partial<WebhookWorkerOptions> = {}): WebhookWorker {
      const started = new WebhookWorker({
        store,
        kek,
        log: silent,
        schedule: FAST_SCHEDULE,
        jitter: JITTER,
        timeoutMs: 2_000,
        pollMs: 200,
        ...options,
      });
      started.start();
      cleanups.push(() => started.stop());
      return started;
    }
    async function endpoint(
      who: WebhookPartner,
      url: string,
      types: DomainEventType[] = ['quote.accepted', 'account.updated'],
    ) {
      return createWebhookEndpoint({ store, kek }, who, {
        url,
        event_types: types,
        description: 'test receiver',
      });
    }
    async function emit(who: WebhookPartner, type: DomainEventType = 'quote.accepted') {
      return store.appendEvent({
        id: `evt_${alnum(24)}`,
        partner_id: who.partnerId,
        account_id: `acct_${alnum(16)}`,
        type,
        data: { id: `qt_${alnum(16)}`, status: 'accepted', total: 12_300 },
        request_id: `req_${alnum(8)}`,
        session_id: null,
      });
    }
    const deps = () => ({ store, kek });
    /** The endpoint's attempts once `count` are recorded (they are written after the answer). */
    async function attempts(who: WebhookPartner, id: string, count: number) {
      let page = await listWebhookDeliveries(deps(), who, id);
      while (page.data.length < count) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        page = await listWebhookDeliveries(deps(), who, id);
      }
      return page.data;
    }

    it('delivers each event once, in the Standard Webhooks format that the standardwebhooks library verifies', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      assert.match(created.secret, /^whsec_/);
      worker();
      const events = [await emit(who), await emit(who, 'account.updated')];
      // Not subscribed: never sent.
      await emit(who, 'onboarding.submitted');
      await hooks.until((r) => r.length >= 2);
      const verifier = new Webhook(created.secret);
      for (const event of events) {
        const message = hooks.received.find((m) => m.id === event.id);
        assert.ok(message, `${event.id} arrived`);
        const payload = WebhookPayload.parse(verifier.verify(message.body, message.headers));
        assert.deepEqual(payload, {
          type: event.type,
          timestamp: event.created_at,
          data: event.data,
        });
        assert.match(message.headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]+=*$/);
        assert.equal(message.headers['content-type'], 'application/json');
      }
      const deliveries = await attempts(who, created.id, 2);
      assert.equal(deliveries.length, 2);
      assert.ok(deliveries.every((d) => d.status_code === 204 && d.attempt === 1));
      assert.ok(deliveries.every((d) => d.next_attempt_at === null && d.error === null));
    });

    it('refuses a tampered body and a wrong secret (the check the receiver relies on can fail)', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      worker();
      await emit(who);
      await hooks.until((r) => r.length >= 1);
      const [message] = hooks.received;
      assert.ok(message);
      assert.throws(() => new Webhook(created.secret).verify(message.body + ' ', message.headers));
      const other = `whsec_${randomBytes(24).toString('base64')}`;
      assert.throws(() => new Webhook(other).verify(message.body, message.headers));
    });

    it('keeps retrying a receiver that is down, on the schedule, until every event arrives', async () => {
      const who = partner();
      // Down for each event's first two attempts, then back.
      const hooks = await receiver((_message, seen) => ({ status: seen <= 2 ? 503 : 200 }));
      const created = await endpoint(who, hooks.url);
      worker();
      const events = await Promise.all([emit(who), emit(who), emit(who)]);
      await hooks.until((r) => events.every((e) => r.filter((m) => m.id === e.id).length >= 3));
      for (const event of events) {
        const arrivals = hooks.received.filter((m) => m.id === event.id).map((m) => m.at);
        assert.equal(arrivals.length, 3, 'two failures and one success, nothing more');
        for (let n = 1; n < arrivals.length; n += 1) {
          const gap = (arrivals[n] ?? 0) - (arrivals[n - 1] ?? 0);
          const planned = FAST_SCHEDULE[n] ?? 0;
          assert.ok(
            gap >= planned * (1 - JITTER) - 1,
            `attempt ${n + 1} waited ${gap} ms, planned ${planned}`,
          );
        }
      }
      const recorded = await attempts(who, created.id, 9);
      assert.equal(recorded.length, 9);
      assert.deepEqual(
        recorded
          .filter((a) => a.status_code === 503)
          .map((a) => a.attempt)
          .toSorted(),
        [1, 1, 1, 2, 2, 2],
      );
      assert.ok(recorded.filter((a) => a.status_code === 503).every((a) => a.next_attempt_at));
      assert.equal((await getWebhookEndpoint(deps(), who, created.id)).failing_since, null);
    });

    it('waits as long as Retry-After asks on 429, longer than the schedule would', async () => {
      const who = partner();
      const hooks = await receiver((_m, seen) =>
        seen === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
      );
      await endpoint(who, hooks.url);
      worker();
      const event = await emit(who);
      await hooks.until((r) => r.filter((m) => m.id === event.id).length >= 2);
      const [first, second] = hooks.received.filter((m) => m.id === event.id);
      assert.ok(first && second);
      assert.ok(
        second.at - first.at >= 990,
        `waited ${second.at - first.at} ms for Retry-After: 1`,
      );
    });

    it('disables the endpoint on 410 Gone and sends it nothing more', async () => {
      const who = partner();
      const hooks = await receiver(() => ({ status: 410 }));
      const created = await endpoint(who, hooks.url);
      worker();
      const first = await emit(who);
      await hooks.until((r) => r.length >= 1);
      await waitFor(
        async () => (await getWebhookEndpoint(deps(), who, created.id)).status === 'disabled',
      );
      // A later event is not queued for a receiver that said it is gone.
      await emit(who);
      const probe = await receiver();
      const other = await endpoint(who, probe.url);
      const later = await emit(who);
      await probe.until((r) => r.some((m) => m.id === later.id));
      assert.deepEqual(
        hooks.received.map((m) => m.id),
        [first.id],
      );
      const [attempt] = (await listWebhookDeliveries(deps(), who, created.id)).data;
      assert.equal(attempt?.status_code, 410);
      assert.equal(attempt?.next_attempt_at, null);
      assert.ok(other);
    });

    it('never follows a redirect: a 3xx is a failed attempt and the target hears nothing', async () => {
      const who = partner();
      const target = await receiver();
      const hooks = await receiver(() => ({ status: 307, headers: { location: target.url } }));
      const created = await endpoint(who, hooks.url);
      worker({ schedule: [0, 20] });
      await emit(who);
      await waitFor(
        async () => (await listWebhookDeliveries(deps(), who, created.id)).data.length >= 2,
      );
      const recorded = (await listWebhookDeliveries(deps(), who, created.id)).data;
      assert.ok(
        recorded.every((a) => a.status_code === 307 && /redirect not followed/.test(a.error ?? '')),
      );
      assert.equal(target.received.length, 0);
      // The last attempt used: the endpoint is marked failing.
      assert.ok((await getWebhookEndpoint(deps(), who, created.id)).failing_since);
    });

    it('gives up after the last attempt, marks the endpoint failing, and clears it on the next success', async () => {
      const who = partner();
      let healthy = false;
      const hooks = await receiver(() => ({ status: healthy ? 200 : 500 }));
      const created = await endpoint(who, hooks.url);
      const registry = new Registry();
      worker({ schedule: [0, 20, 20], metrics: createWebhookMetrics(registry, store) });
      const event = await emit(who);
      await waitFor(
        async () => (await getWebhookEndpoint(deps(), who, created.id)).failing_since !== null,
      );
      assert.equal(hooks.received.filter((m) => m.id === event.id).length, 3);
      const text = await registry.metrics();
      assert.match(text, /tessera_webhook_failing_endpoints [1-9]/);
      assert.match(text, /tessera_webhook_attempts_total\{outcome="exhausted"\} 1/);
      assert.match(text, /tessera_webhook_attempts_total\{outcome="retrying"\} 2/);
      assert.match(text, /tessera_webhook_attempt_duration_seconds_count 3/);
      healthy = true;
      await emit(who);
      await waitFor(
        async () => (await getWebhookEndpoint(deps(), who, created.id)).failing_since === null,
      );
    });

    it('reports lag per endpoint: the age of the oldest event not yet delivered', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      await updateWebhookEndpoint(deps(), who, created.id, { status: 'paused' });
      await emit(who);
      const registry = new Registry();
      createWebhookMetrics(registry, store);
      const text = await registry.metrics();
      assert.match(
        text,
        new RegExp(`tessera_webhook_lag_seconds\\{endpoint="${created.id}"\\} [0-9.e-]+`),
      );
    });

    it('holds deliveries while paused and sends them on resume', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      await updateWebhookEndpoint(deps(), who, created.id, { status: 'paused' });
      worker();
      const events = [await emit(who), await emit(who)];
      assert.equal(
        (await store.nextWebhookDueInMs()) === null || hooks.received.length === 0,
        true,
      );
      await updateWebhookEndpoint(deps(), who, created.id, { status: 'enabled' });
      await hooks.until((r) => events.every((e) => r.some((m) => m.id === e.id)));
    });

    it('signs with both secrets during a rotation, and standardwebhooks verifies with either', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      const rotated = await rotateWebhookSecret(deps(), who, created.id);
      assert.notEqual(rotated.secret, created.secret);
      assert.ok(rotated.previous_secret_expires_at);
      const overlap = Date.parse(rotated.previous_secret_expires_at) - Date.now();
      assert.ok(overlap > 23.9 * 3600_000 && overlap <= 24 * 3600_000);
      worker();
      await emit(who);
      await hooks.until((r) => r.length >= 1);
      const [message] = hooks.received;
      assert.ok(message);
      const signatures = (message.headers['webhook-signature'] ?? '').split(' ');
      assert.equal(signatures.length, 2);
      assert.ok(signatures.every((s) => s.startsWith('v1,')));
      new Webhook(created.secret).verify(message.body, message.headers);
      new Webhook(rotated.secret).verify(message.body, message.headers);
    });

    it('signs with the new secret alone once the overlap is over', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      // Rotated 25 hours ago: the old secret's overlap has ended.
      const rotated = await rotateWebhookSecret(
        deps(),
        { ...who, now: new Date(Date.now() - 25 * 3600_000) },
        created.id,
      );
      worker();
      await emit(who);
      await hooks.until((r) => r.length >= 1);
      const [message] = hooks.received;
      assert.ok(message);
      assert.equal((message.headers['webhook-signature'] ?? '').split(' ').length, 1);
      new Webhook(rotated.secret).verify(message.body, message.headers);
      assert.throws(() => new Webhook(created.secret).verify(message.body, message.headers));
    });

    it('sends a webhook.test event on request, to that endpoint alone', async () => {
      const who = partner();
      const hooks = await receiver();
      const bystander = await receiver();
      const created = await endpoint(who, hooks.url);
      await endpoint(who, bystander.url);
      worker();
      const { event_id } = await sendTestWebhook(deps(), who, created.id);
      await hooks.until((r) => r.some((m) => m.id === event_id));
      const message = hooks.received.find((m) => m.id === event_id);
      assert.ok(message);
      const payload = WebhookPayload.parse(
        new Webhook(created.secret).verify(message.body, message.headers),
      );
      assert.equal(payload.type, 'webhook.test');
      assert.equal(bystander.received.length, 0);
      // Not in the partner's event feed.
      assert.equal((await store.listEvents(who.partnerId, 0, 10)).length, 0);
    });

    it('replays every subscribed event after a cursor event, under the same webhook-id', async () => {
      const who = partner();
      const hooks = await receiver();
      const created = await endpoint(who, hooks.url);
      worker();
      const events = [
        await emit(who),
        await emit(who),
        await emit(who, 'onboarding.submitted'),
        await emit(who),
      ];
      const subscribed = events.filter((e) => e.type !== 'onboarding.submitted');
      await hooks.until((r) => r.length >= subscribed.length);
      const start = events[0];
      assert.ok(start);
      const replay = await replayWebhookEvents(deps(), who, created.id, { after: start.id });
      assert.deepEqual(replay, { queued: 2 });
      await hooks.until((r) => r.length >= subscribed.length + 2);
      const counts = new Map<string, number>();
      for (const m of hooks.received) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
      assert.deepEqual(
        subscribed.map((e) => counts.get(e.id)),
        [1, 2, 2],
      );
      await assert.rejects(
        replayWebhookEvents(deps(), who, created.id, { after: 'evt_unknown' }),
        (error) => error instanceof TesseraError && error.code === 'not_found',
      );
      // Another partner can neither see nor replay this endpoint.
      await assert.rejects(
        replayWebhookEvents(deps(), partner(), created.id, { after: '0' }),
        (error) => error instanceof TesseraError && error.code === 'not_found',
      );
    });

    it('refuses, in live mode, http and inner addresses when the endpoint is created', async () => {
      const who = partner('live');
      for (const url of [
        'http://hooks.example.com/in',
        'https://127.0.0.1/in',
        'https://localhost/in',
        'https://10.1.2.3/in',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/in',
        'https://[::ffff:192.168.0.1]/in',
      ]) {
        await assert.rejects(
          endpoint(who, url),
          (error) =>
            error instanceof TesseraError &&
            error.code === 'validation_failed' &&
            JSON.stringify(error.details).includes('url_not_allowed'),
          url,
        );
      }
      // Test mode lets a laptop's receiver in, but still not the metadata service.
      await endpoint(partner('test'), 'http://127.0.0.1:9/in');
      await assert.rejects(endpoint(partner('test'), 'http://169.254.169.254/'), TesseraError);
    });

    it('refuses, in live mode, at the attempt, a name that resolves to loopback, and sends nothing', async () => {
      const who = partner('live');
      const hooks = await receiver();
      const resolved: string[] = [];
      const resolve: Resolver = (host) => {
        resolved.push(host);
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      };
      const created = await endpoint(who, `https://hooks.partner.example:${hooks.port}/in`);
      worker({ resolve, schedule: [0, 20] });
      await emit(who);
      await waitFor(
        async () => (await listWebhookDeliveries(deps(), who, created.id)).data.length >= 2,
      );
      const recorded = (await listWebhookDeliveries(deps(), who, created.id)).data;
      assert.ok(
        recorded.every(
          (a) =>
            a.status_code === null && /resolves to 127\.0\.0\.1 \(loopback\)/.test(a.error ?? ''),
        ),
      );
      // Resolved again at every attempt, not once.
      assert.deepEqual(resolved, ['hooks.partner.example', 'hooks.partner.example']);
      assert.equal(hooks.received.length, 0);
    });

    it('connects to the address it checked, not to what a second lookup says', async () => {
      const who = partner();
      const hooks = await receiver();
      let calls = 0;
      // First answer loopback (allowed in test mode), then an address nobody listens on.
      const resolve: Resolver = () =>
        Promise.resolve([{ address: calls++ === 0 ? '127.0.0.1' : '192.0.2.1', family: 4 }]);
      await endpoint(who, `http://rebind.example:${hooks.port}/in`);
      worker({ resolve });
      const event = await emit(who);
      await hooks.until((r) => r.some((m) => m.id === event.id));
      assert.equal(calls, 1);
      assert.equal(hooks.received[0]?.headers.host, `rebind.example:${hooks.port}`);
    });

    it('times out a receiver that never answers and tries again', async () => {
      const who = partner();
      const hooks = await receiver((_m, seen) => (seen === 1 ? 'hang' : { status: 200 }));
      const created = await endpoint(who, hooks.url);
      worker({ timeoutMs: 200 });
      const event = await emit(who);
      await hooks.until((r) => r.filter((m) => m.id === event.id).length >= 2);
      await waitFor(
        async () => (await listWebhookDeliveries(deps(), who, created.id)).data.length >= 2,
      );
      const recorded = (await listWebhookDeliveries(deps(), who, created.id)).data;
      assert.match(recorded.find((a) => a.attempt === 1)?.error ?? '', /timeout after 200 ms/);
    });

    it('loses nothing when the worker stops mid-retry: a new worker finishes the schedule', async () => {
      const who = partner();
      const hooks = await receiver((_m, seen) => ({ status: seen === 1 ? 500 : 200 }));
      const created = await endpoint(who, hooks.url);
      // Long enough that the first worker is surely gone before the retry is due.
      const first = worker({ schedule: [0, 300] });
      const event = await emit(who);
      await waitFor(
        async () => (await listWebhookDeliveries(deps(), who, created.id)).data.length >= 1,
      );
      await first.stop();
      assert.equal(hooks.received.length, 1);
      worker({ schedule: [0, 300] });
      await hooks.until((r) => r.filter((m) => m.id === event.id).length >= 2);
      assert.deepEqual(
        (await attempts(who, created.id, 2)).map((a) => [a.attempt, a.status_code]),
        [
          [2, 200],
          [1, 500],
        ],
      );
    });
  });
}

/** Polls a condition of the database (which has no event to wait on); bounded by the test runner. */
export async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}
