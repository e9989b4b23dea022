import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventPage, PartnerAccount, PartnerAccountPage } from '../../contracts/index.ts';
import { startTestStack, type TestStack } from './helpers.ts';
import { accountBody, otherPartner, partnerCall } from './partner-helpers.ts';

let stack: TestStack;
let call: ReturnType<typeof partnerCall>;

before(async () => {
  stack = await startTestStack();
  call = partnerCall(stack, await stack.partnerToken(['partner:accounts', 'partner:events']));
});
after(() => stack.close());

async function accountUpdatedEvents(accountId: string) {
  const feed = await call('GET', '/v1/partner/events?types=account.updated&limit=100');
  assert.equal(feed.status, 200, JSON.stringify(feed.body));
  return EventPage.parse(feed.body).data.filter((event) => event.account_id === accountId);
}

describe('PUT /v1/partner/accounts/:external_id', () => {
  it('creates the account (201, version 1, ETag) linked to the partner, then updates it (200, version 2)', async () => {
    const created = await call('PUT', '/v1/partner/accounts/crm-1001', {
      body: accountBody('billing@acme.example', { phone: '+4930123456' }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const account = PartnerAccount.parse(created.body);
    assert.equal(account.external_id, 'crm-1001');
    assert.equal(account.version, 1);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.ok(await stack.api.store.isLinked(account.id, stack.partner.id));
    assert.deepEqual(await accountUpdatedEvents(account.id), [], 'creating writes no event');

    const read = await call('GET', '/v1/partner/accounts/crm-1001');
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.deepEqual(read.body, created.body);

    const updated = await call('PUT', '/v1/partner/accounts/crm-1001', {
      body: accountBody('billing@acme.example', { legal_name: 'Acme Holding GmbH' }),
      headers: { 'if-match': '"1"' },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.id, account.id);
    assert.equal(updated.body.version, 2);
    assert.equal(updated.body.legal_name, 'Acme Holding GmbH');
    assert.equal(updated.body.phone, undefined, 'a field the PUT leaves out is cleared');
    assert.equal(updated.headers.get('etag'), '"2"');
    const events = await accountUpdatedEvents(account.id);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.data.legal_name, 'Acme Holding GmbH');
    assert.equal(events[0]!.partner_id, stack.partner.id);
  });

  it('answers an update that changes nothing as the account is: same version, no event', async () => {
    const body = accountBody('same@acme.example');
    const first = await call('PUT', '/v1/partner/accounts/crm-same', { body });
    assert.equal(first.status, 201);
    const again = await call('PUT', '/v1/partner/accounts/crm-same', { body });
    assert.equal(again.status, 200);
    assert.equal(again.body.version, 1);
    assert.deepEqual(await accountUpdatedEvents(first.body.id), []);
  });

  it('replays the first answer for a retry under the same Idempotency-Key, and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'upsert-replay-1' };
    const body = accountBody('replay@acme.example');
    const first = await call('PUT', '/v1/partner/accounts/crm-replay', { body, headers });
    const retry = await call('PUT', '/v1/partner/accounts/crm-replay', { body, headers });
    assert.equal(first.status, 201);
    assert.equal(retry.status, 201, 'the retry is the creation, not an update');
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, first.body);
    const other = await call('PUT', '/v1/partner/accounts/crm-replay', {
      body: accountBody('replay@acme.example', { legal_name: 'Other' }),
      headers,
    });
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
  });

  it('refuses a stale If-Match with 412 version_conflict, and If-Match on an account not yet created', async () => {
    const created = await call('PUT', '/v1/partner/accounts/crm-stale', {
      body: accountBody('stale@acme.example'),
    });
    assert.equal(created.status, 201);
    await call('PUT', '/v1/partner/accounts/crm-stale', {
      body: accountBody('stale@acme.example', { legal_name: 'Second' }),
    });
    const stale = await call('PUT', '/v1/partner/accounts/crm-stale', {
      body: accountBody('stale@acme.example', { legal_name: 'Third' }),
      headers: { 'if-match': '"1"' },
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'version_conflict');
    assert.equal(stale.body.error.details.current_version, 2);

    const absent = await call('PUT', '/v1/partner/accounts/crm-never', {
      body: accountBody('never@acme.example'),
      headers: { 'if-match': '"1"' },
    });
    assert.equal(absent.status, 412);
    assert.equal((await call('GET', '/v1/partner/accounts/crm-never')).status, 404);
  });

  it('refuses a second external_id with the same billing email (trimmed, lower-cased): 409 account_duplicate naming the first', async () => {
    const first = await call('PUT', '/v1/partner/accounts/crm-ann', {
      body: accountBody('ann@shop.example'),
    });
    assert.equal(first.status, 201);
    const second = await call('PUT', '/v1/partner/accounts/crm-ann-2', {
      body: accountBody('Ann@SHOP.example'),
    });
    assert.equal(second.status, 409, JSON.stringify(second.body));
    assert.equal(second.body.error.code, 'account_duplicate');
    assert.deepEqual(second.body.error.details, {
      account_id: first.body.id,
      external_id: 'crm-ann',
    });
    assert.equal((await call('GET', '/v1/partner/accounts/crm-ann-2')).status, 404);

    // Moving another account onto that email is the same duplicate.
    await call('PUT', '/v1/partner/accounts/crm-bob', { body: accountBody('bob@shop.example') });
    const moved = await call('PUT', '/v1/partner/accounts/crm-bob', {
      body: accountBody('ANN@shop.example'),
    });
    assert.equal(moved.status, 409);
    assert.equal(moved.body.error.details.external_id, 'crm-ann');
  });

  it('checks fields as account updates do: the tax id against the billing country', async () => {
    const refused = await call('PUT', '/v1/partner/accounts/crm-tax', {
      body: accountBody('tax@acme.example', { tax_id: 'FR12345678901' }),
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'validation_failed');
    assert.deepEqual(
      refused.body.error.details.fields.map((field: { path: string }) => field.path),
      ['tax_id'],
    );
    const accepted = await call('PUT', '/v1/partner/accounts/crm-tax', {
      body: accountBody('tax@acme.example', { tax_id: 'DE123456789' }),
    });
    assert.equal(accepted.status, 201);
  });

  it('refuses a malformed external_id with 400 validation_failed', async () => {
    const response = await call('PUT', `/v1/partner/accounts/${encodeURIComponent('a b')}`, {
      body: accountBody('malformed@acme.example'),
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.details.fields[0].path, 'external_id');
  });

  it('answers rate-limit headers', async () => {
    const response = await call('GET', '/v1/partner/accounts/crm-1001');
    assert.ok(response.headers.get('ratelimit-limit'));
    assert.ok(response.headers.get('ratelimit-remaining'));
    assert.ok(response.headers.get('x-request-id'));
  });
});

describe("another partner's accounts", () => {
  it('are 404 to this partner, and an external_id and an email are unique per partner only', async () => {
    const other = await otherPartner(stack);
    const otherCall = partnerCall(stack, other.token);
    assert.equal((await otherCall('GET', '/v1/partner/accounts/crm-1001')).status, 404);
    const theirs = await otherCall('PUT', '/v1/partner/accounts/crm-1001', {
      body: accountBody('billing@acme.example'),
    });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    const ours = await call('GET', '/v1/partner/accounts/crm-1001');
    assert.notEqual(theirs.body.id, ours.body.id);
    assert.equal(await stack.api.store.isLinked(theirs.body.id, stack.partner.id), false);
    const list = PartnerAccountPage.parse((await otherCall('GET', '/v1/partner/accounts')).body);
    assert.deepEqual(
      list.data.map((account) => account.id),
      [theirs.body.id],
    );
  });
});

describe('GET /v1/partner/accounts', () => {
  it('pages through every account oldest first with stable cursors', async () => {
    for (const n of [1, 2, 3, 4, 5])
      assert.equal(
        (
          await call('PUT', `/v1/partner/accounts/page-${n}`, {
            body: accountBody(`page-${n}@acme.example`),
          })
        ).status,
        201,
      );
    const seen: string[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const response = await call('GET', `/v1/partner/accounts?after=${cursor}&limit=2`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const page = PartnerAccountPage.parse(response.body);
      assert.ok(page.data.length <= 2);
      seen.push(...page.data.map((account) => account.external_id));
      pages++;
      if (!page.has_more) {
        assert.equal(page.next_cursor >= cursor, true);
        break;
      }
      assert.ok(page.next_cursor > cursor);
      cursor = page.next_cursor;
    }
    assert.ok(pages >= 3);
    const pageIds = seen.filter((id) => id.startsWith('page-'));
    assert.deepEqual(pageIds, ['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
    assert.equal(new Set(seen).size, seen.length, 'no account twice');

    const end = await call('GET', `/v1/partner/accounts?after=${cursor}&limit=2`);
    const again = PartnerAccountPage.parse(
      (await call('GET', `/v1/partner/accounts?after=${cursor}&limit=2`)).body,
    );
    assert.deepEqual(
      again,
      PartnerAccountPage.parse(end.body),
      'a cursor reads the same page twice',
    );
  });

  it('refuses a malformed cursor or limit with 400 validation_failed', async () => {
    for (const query of ['after=-1', 'limit=0', 'limit=101', 'after=abc', 'cursor=1']) {
      const response = await call('GET', `/v1/partner/accounts?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'validation_failed');
    }
  });
});
