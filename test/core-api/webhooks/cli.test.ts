import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  ErrorEnvelope,
  PartnerTokenResponse,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '../../../contracts/index.ts';
import { OperatorWebhookEndpointList } from '../../../core-api/webhooks/admin.ts';
import { BIN, TEST_ENV, startTessera, type RunningStart } from '../../support/tessera-start.ts';
import { tempDir } from '../../token-service/helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let dir: string;
let running: RunningStart | null = null;
let hooks: Receiver;
let endpoint: WebhookEndpointWithSecret;
let acceptedEventId: string;
let partnerToken: string;

/** `tessera --data-dir <dir> …` as an operator types it; never throws, answers the exit code. */
function tessera(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, '--data-dir', dir, ...args],
      { env: TEST_ENV, encoding: 'utf8' },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function json<T>(schema: { parse(value: unknown): T }, ...args: string[]): Promise<T> {
  const result = await tessera('--json', ...args);
  assert.equal(result.code, 0, result.stderr);
  return schema.parse(JSON.parse(result.stdout));
}

before(async () => {
  dir = await tempDir();
  hooks = await startReceiver();
  running = await startTessera(dir);
  const { info } = running;
  // The demo partner's backend registers an endpoint, and a customer accepts the demo quote.
  const tokenResponse = await fetch(`${info.token_service}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info.demo.partner_id,
      client_secret: info.demo.secret_key,
      scope: 'partner:webhooks',
    }).toString(),
  });
  partnerToken = PartnerTokenResponse.parse(await tokenResponse.json()).access_token;
  const created = await fetch(`${info.core_api}/v1/partner/webhook-endpoints`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${partnerToken}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ url: hooks.url, event_types: ['quote.accepted'] }),
  });
  assert.equal(created.status, 201);
  endpoint = WebhookEndpointWithSecret.parse(await created.json());

  const minted = await fetch(`${info.token_service}/v1/tokens`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${info.demo.secret_key}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      subject: info.demo.seed.account_id,
      scopes: ['quote:accept'],
      origin: info.demo.origin,
    }),
  });
  const { token } = (await minted.json()) as { token: string };
  const accepted = await fetch(`${info.core_api}/v1/quotes/${info.demo.seed.quotes.open}/accept`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      origin: info.demo.origin,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({
      signer_name: 'Ada Lovelace',
      signer_email: 'ada@example.com',
      accept_terms: true,
    }),
  });
  assert.equal(accepted.status, 200);
  await hooks.until((received) => received.length > 0);
  acceptedEventId = hooks.received[0]!.id;
  new Webhook(endpoint.secret).verify(hooks.received[0]!.body, hooks.received[0]!.headers);
});
after(async () => {
  await running?.stop();
  await hooks.close();
});

describe('tessera webhooks (operators, beside a running tessera start)', () => {
  it('lists every endpoint with its status, failing_since, lag and partner', async () => {
    const list = await json(OperatorWebhookEndpointList, 'webhooks', 'list');
    const mine = list.data.find((e) => e.id === endpoint.id);
    assert.ok(mine);
    assert.equal(mine.partner_id, running!.info.demo.partner_id);
    assert.equal(mine.status, 'enabled');
    assert.equal(mine.failing_since, null);
    assert.equal(mine.mode, 'test');
    assert.equal(mine.pending, 0);
    assert.equal(mine.lag_seconds, null);

    const human = await tessera('webhooks', 'list');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`${endpoint.id}\\s+enabled`));
    assert.match(human.stdout, new RegExp(`partner ${running!.info.demo.partner_id} \\(test\\)`));
    assert.match(human.stdout, /lag none, 0 pending/);
  });

  it("shows an endpoint's delivery attempts", async () => {
    // The attempt is recorded just after the receiver answers: ask until it is there.
    let page = await json(WebhookDeliveryPage, 'webhooks', 'deliveries', endpoint.id);
    while (page.data.length === 0)
      page = await json(WebhookDeliveryPage, 'webhooks', 'deliveries', endpoint.id);
    assert.equal(page.data[0]!.event_id, acceptedEventId);
    assert.equal(page.data[0]!.status_code, 204);

    const human = await tessera('webhooks', 'deliveries', endpoint.id, '--limit', '5');
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      new RegExp(`${acceptedEventId} quote.accepted #1\\s+204 in \\d+ ms`),
    );
  });

  it('replays the events after a cursor, under the same webhook-id', async () => {
    const replayed = await json(
      { parse: (value: unknown) => value as { queued: number } },
      'webhooks',
      'replay',
      endpoint.id,
      '--after',
      '0',
    );
    assert.deepEqual(replayed, { queued: 1 });
    await hooks.until((received) => received.filter((m) => m.id === acceptedEventId).length >= 2);

    const human = await tessera('webhooks', 'replay', endpoint.id, '--after', acceptedEventId);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stdout.trim(),
      `Queued 0 events again for ${endpoint.id} (after ${acceptedEventId}).`,
    );
  });

  it('pauses an endpoint (its events wait, and the lag shows it) and resumes it', async () => {
    const paused = await json(WebhookEndpoint, 'webhooks', 'pause', endpoint.id);
    assert.equal(paused.status, 'paused');
    const sent = await fetch(
      `${running!.info.core_api}/v1/partner/webhook-endpoints/${endpoint.id}/test`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${partnerToken}`, 'idempotency-key': randomUUID() },
      },
    );
    assert.equal(sent.status, 200);
    const { event_id: testEventId } = (await sent.json()) as { event_id: string };
    const listed = await json(OperatorWebhookEndpointList, 'webhooks', 'list');
    const waiting = listed.data.find((e) => e.id === endpoint.id)!;
    assert.equal(waiting.status, 'paused');
    assert.equal(waiting.pending, 1);
    assert.ok(waiting.lag_seconds !== null && waiting.lag_seconds >= 0);
    const humanList = await tessera('webhooks', 'list');
    assert.match(humanList.stdout, new RegExp(`${endpoint.id}\\s+paused`));
    assert.match(humanList.stdout, /lag \d+ s, 1 pending/);

    const human = await tessera('webhooks', 'resume', endpoint.id);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout.trim(), `${endpoint.id} is enabled.`);
    await hooks.until((received) => received.some((m) => m.id === testEventId));
  });

  it('refuses an unknown endpoint with not_found and a non-zero exit, in JSON and for people', async () => {
    for (const args of [
      ['webhooks', 'pause', 'we_unknown000000000000000000'],
      ['webhooks', 'deliveries', 'not-an-id'],
      ['webhooks', 'replay', 'we_unknown000000000000000000', '--after', '0'],
    ]) {
      const machine = await tessera('--json', ...args);
      assert.notEqual(machine.code, 0, args.join(' '));
      assert.equal(ErrorEnvelope.parse(JSON.parse(machine.stderr)).error.code, 'not_found');
    }
    const human = await tessera('webhooks', 'resume', 'we_unknown000000000000000000');
    assert.notEqual(human.code, 0);
    assert.match(human.stderr, /not_found: No webhook endpoint we_unknown0+ on this deployment/);

    const unknownEvent = await tessera('webhooks', 'replay', endpoint.id, '--after', 'evt_nope');
    assert.notEqual(unknownEvent.code, 0);
    assert.match(unknownEvent.stderr, /not_found: No event evt_nope/);
  });

  it('reads the store directly once the core API has stopped', async () => {
    assert.equal(await running!.stop(), 0);
    running = null;
    const list = await json(OperatorWebhookEndpointList, 'webhooks', 'list');
    assert.equal(list.data.find((e) => e.id === endpoint.id)?.status, 'enabled');
    const paused = await json(WebhookEndpoint, 'webhooks', 'pause', endpoint.id);
    assert.equal(paused.status, 'paused');
    const page = await json(WebhookDeliveryPage, 'webhooks', 'deliveries', endpoint.id);
    assert.ok(page.data.some((attempt) => attempt.event_id === acceptedEventId));
  });
});
