import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  TEST_REDIS_URL,
  decodeJwt,
  eventually,
  mintBody,
  startTestService,
  tempPgSchema,
  type TestService,
} from './helpers.ts';

describe('two token-service instances on one PostgreSQL and one Redis', () => {
  let a: TestService;
  let b: TestService;
  let schema: Awaited<ReturnType<typeof tempPgSchema>>;

  before(async () => {
    schema = await tempPgSchema();
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: TEST_REDIS_URL,
      TESSERA_KEY_RELOAD_MS: '200',
      TESSERA_KEY_PUBLISH_SECONDS: '0',
    };
    a = await startTestService(env);
    b = await startTestService(env);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
  });

  it('share partners and keys: a partner created through one mints through the other', async () => {
    const { key } = await a.createPartner();
    assert.equal((await b.mint(key.secret, mintBody())).status, 201);
    assert.deepEqual(
      await (await fetch(`${a.url}/.well-known/jwks.json`)).json(),
      await (await fetch(`${b.url}/.well-known/jwks.json`)).json(),
    );
  });

  it('refuse a partner suspended through either, at once, even with its key cached', async () => {
    const { partner, key } = await a.createPartner();
    assert.equal((await a.mint(key.secret, mintBody())).status, 201);
    assert.equal((await b.mint(key.secret, mintBody())).status, 201);
    await b.admin('POST', `/partners/${partner.id}/suspend`);
    await eventually(
      async () => (await a.mint(key.secret, mintBody())).body.error?.code === 'partner_suspended',
      'the notification reaches instance a',
      20,
      50,
    );
    assert.equal((await b.mint(key.secret, mintBody())).body.error?.code, 'partner_suspended');
  });

  it('refuse a key revoked through either, at once, even with it cached', async () => {
    const { key } = await a.createPartner();
    assert.equal((await a.mint(key.secret, mintBody())).status, 201);
    await b.admin('POST', `/partner-keys/${key.id}/revoke`);
    await eventually(
      async () => (await a.mint(key.secret, mintBody())).body.error?.code === 'partner_key_revoked',
      'the notification reaches instance a',
      20,
      50,
    );
  });

  it('honour a suspension made by the CLI, a separate process, on the same PostgreSQL', async () => {
    const { partner, key } = await a.createPartner();
    assert.equal((await a.mint(key.secret, mintBody())).status, 201);
    const cli = spawnSync(
      process.execPath,
      [
        new URL('../../bin/tessera.js', import.meta.url).pathname,
        '--json',
        'partner',
        'suspend',
        partner.id,
      ],
      {
        env: { ...process.env, DATABASE_URL: schema.url, TESSERA_KEK: a.config.kek },
        encoding: 'utf8',
      },
    );
    assert.equal(cli.status, 0, cli.stderr);
    await eventually(
      async () => (await a.mint(key.secret, mintBody())).body.error?.code === 'partner_suspended',
      'the notification reaches instance a',
      20,
      50,
    );
  });

  it('both sign with the new key soon after a rotation through one', async () => {
    const { key } = await a.createPartner();
    const rotated = await a.admin<{ rotated: boolean; data: { kid: string; state: string }[] }>(
      'POST',
      '/keys/rotate',
      {},
    );
    assert.equal(rotated.body.rotated, true);
    const active = rotated.body.data.find((row) => row.state === 'active')!.kid;
    await eventually(
      async () =>
        decodeJwt((await b.mint(key.secret, mintBody())).body.token).header.kid === active,
      'instance b signs with the rotated key',
    );
  });

  it('hold one rate limit across both', async () => {
    const { key } = await a.createPartner({ rate_limit: { per_second: 1, burst: 4 } });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).mint(key.secret, mintBody())),
    );
    assert.equal(responses.filter((response) => response.status === 201).length, 4);
  });
});
