import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ErrorEnvelope } from '../../contracts/index.ts';
import { mintBody, tempDir } from './helpers.ts';

const BIN = new URL('../../bin/tessera.js', import.meta.url).pathname;
const KEK = 'dGVzdC1rZWstMzItYnl0ZXMtZm9yLXRlc3RzLW9ubHk';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tessera(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
      env: { ...process.env, TESSERA_KEK: KEK, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const json = <T>(run: Run): T => {
  assert.equal(run.code, 0, `exit 0 expected; stderr: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
};

interface StartedService {
  child: ChildProcess;
  url: string;
  stop(): Promise<number | null>;
}

/** `tessera token-service` as a real process; resolves once it prints its URL. */
function startService(dataDir: string, port = 0): Promise<StartedService> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, '--json', '--data-dir', dataDir, 'token-service', '--port', String(port)],
      {
        env: { ...process.env, TESSERA_KEK: KEK, TESSERA_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /"url": "([^"]+)"/.exec(stdout);
      if (match) {
        resolve({
          child,
          url: match[1]!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGINT');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`token-service exited ${code}: ${stderr}`)));
  });
}

type Created = {
  partner_id: string;
  secret_key: string;
  partner: { id: string; status: string };
  key: { id: string };
};
const createArgs = [
  'partner',
  'create',
  '--name',
  'CLI Shop',
  '--origin',
  'https://shop.example',
  '--scopes',
  'quote:read,quote:accept',
  '--max-ttl',
  '600',
];

describe('tessera CLI without a running service', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });

  it('creates a partner and prints its id and secret key once', async () => {
    const created = json<Created>(await tessera(dir, ['--json', ...createArgs]));
    assert.match(created.partner_id, /^ptn_/);
    assert.match(created.secret_key, /^tsk_test_/);
    const shown = await tessera(dir, ['--json', 'partner', 'show', created.partner_id]);
    assert.ok(!shown.stdout.includes(created.secret_key), 'show never prints the secret again');
    const list = json<{ data: { id: string }[] }>(
      await tessera(dir, ['partner', 'list', '--json']),
    );
    assert.ok(list.data.some((partner) => partner.id === created.partner_id));
  });

  it('prints human-readable output without --json', async () => {
    const run = await tessera(dir, createArgs);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /shown once/);
    assert.match(run.stdout, /tsk_test_\w+/);
  });

  it('suspends, resumes, updates, issues and revokes keys', async () => {
    const created = json<Created>(await tessera(dir, ['--json', ...createArgs, '--mode', 'live']));
    assert.match(created.secret_key, /^tsk_live_/);
    assert.equal(
      json<{ status: string }>(
        await tessera(dir, ['--json', 'partner', 'suspend', created.partner_id]),
      ).status,
      'suspended',
    );
    assert.equal(
      json<{ status: string }>(
        await tessera(dir, ['--json', 'partner', 'resume', created.partner_id]),
      ).status,
      'active',
    );
    const updated = json<{ origins: string[]; max_ttl_seconds: number }>(
      await tessera(dir, [
        '--json',
        'partner',
        'update',
        created.partner_id,
        '--origin',
        'https://a.example',
        '--origin',
        'https://b.example',
        '--max-ttl',
        '120',
      ]),
    );
    assert.deepEqual(updated.origins, ['https://a.example', 'https://b.example']);
    assert.equal(updated.max_ttl_seconds, 120);
    const issued = json<{ id: string; secret: string }>(
      await tessera(dir, ['--json', 'partner', 'key', 'issue', created.partner_id]),
    );
    assert.match(issued.secret, /^tsk_live_/);
    const revoked = json<{ revoked_at: string | null }>(
      await tessera(dir, ['--json', 'partner', 'key', 'revoke', created.key.id]),
    );
    assert.ok(revoked.revoked_at);
    const shown = json<{ keys: { id: string; revoked_at: string | null }[] }>(
      await tessera(dir, ['--json', 'partner', 'show', created.partner_id]),
    );
    assert.deepEqual(shown.keys.map((key) => Boolean(key.revoked_at)).sort(), [false, true]);
  });

  it('refuses bad input with a catalogue code, exit 1 and a JSON envelope on stderr', async () => {
    const run = await tessera(dir, [
      '--json',
      'partner',
      'create',
      '--name',
      'X',
      '--origin',
      'shop.example',
      '--scopes',
      'quote:delete',
    ]);
    assert.equal(run.code, 1);
    const envelope = ErrorEnvelope.parse(JSON.parse(run.stderr));
    assert.equal(envelope.error.code, 'validation_failed');
    const missing = await tessera(dir, ['--json', 'partner', 'show', 'ptn_nothere00000000']);
    assert.equal(missing.code, 1);
    assert.equal(ErrorEnvelope.parse(JSON.parse(missing.stderr)).error.code, 'partner_not_found');
    const usage = await tessera(dir, ['partner', 'create', '--name', 'X']);
    assert.equal(usage.code, 2, 'a usage error exits 2');
    assert.match(usage.stderr, /required option/);
  });

  it('lists keys and rotates only with --force inside the publish window', async () => {
    const before = json<{ data: { kid: string; state: string }[] }>(
      await tessera(dir, ['--json', 'keys', 'list']),
    );
    const next = before.data.find((key) => key.state === 'next')!.kid;
    const refused = await tessera(dir, ['--json', 'keys', 'rotate']);
    assert.equal(refused.code, 1);
    assert.equal((JSON.parse(refused.stdout) as { rotated: boolean }).rotated, false);
    const rotated = json<{ rotated: boolean; data: { kid: string; state: string }[] }>(
      await tessera(dir, ['--json', 'keys', 'rotate', '--force']),
    );
    assert.equal(rotated.rotated, true);
    assert.equal(rotated.data.find((key) => key.state === 'active')?.kid, next);
    assert.equal(rotated.data.filter((key) => key.state === 'retiring').length, 1);
  });

  it('refuses with data_dir_locked when another live process holds the embedded database, touching nothing', async () => {
    const locked = await tempDir();
    json(await tessera(locked, ['--json', 'partner', 'list']));
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(join(locked, 'token-service', 'lock'), String(holder.pid));
      const run = await tessera(locked, ['--json', 'partner', 'list']);
      assert.equal(run.code, 1);
      assert.equal(ErrorEnvelope.parse(JSON.parse(run.stderr)).error.code, 'data_dir_locked');
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const stale = await tempDir();
    json(await tessera(stale, ['--json', 'partner', 'list']));
    await writeFile(join(stale, 'token-service', 'lock'), '999999');
    json(await tessera(stale, ['--json', 'partner', 'list']));
  });
});

describe('tessera CLI next to a running service on the same data dir', () => {
  let dir: string;
  let service: StartedService;
  before(async () => {
    dir = await tempDir();
    service = await startService(dir);
  });
  after(async () => {
    if (service.child.exitCode === null) await service.stop();
  });

  it('goes through the admin API, and the new key mints at once', async () => {
    const created = json<Created>(await tessera(dir, ['--json', ...createArgs]));
    const response = await fetch(`${service.url}/v1/tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${created.secret_key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(mintBody()),
    });
    assert.equal(response.status, 201);
    const suspended = json<{ status: string }>(
      await tessera(dir, ['--json', 'partner', 'suspend', created.partner_id]),
    );
    assert.equal(suspended.status, 'suspended');
    const refused = await fetch(`${service.url}/v1/tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${created.secret_key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(mintBody()),
    });
    assert.equal(refused.status, 403);
  });

  it('says clearly when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await tessera(await tempDir(), ['token-service', '--port', String(port)]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('stops cleanly on SIGINT, releasing the data dir', async () => {
    const code = await service.stop();
    assert.equal(code, 0);
    assert.ok(!existsSync(join(dir, 'token-service', 'service.json')));
    assert.ok(!existsSync(join(dir, 'token-service', 'lock')));
    json(await tessera(dir, ['--json', 'partner', 'list']));
  });
});

describe('restart', () => {
  it('keeps partners and keys: a token minted before a restart verifies after it', async () => {
    const dir = await tempDir();
    const first = await startService(dir);
    const created = json<Created>(await tessera(dir, ['--json', ...createArgs]));
    const minted = (await (
      await fetch(`${first.url}/v1/tokens`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${created.secret_key}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(mintBody()),
      })
    ).json()) as { token: string };
    const jwksBefore: unknown = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    assert.equal(await first.stop(), 0);

    const second = await startService(dir);
    try {
      const jwks = (await (await fetch(`${second.url}/.well-known/jwks.json`)).json()) as {
        keys: never[];
      };
      assert.deepEqual(jwks, jwksBefore, 'same keys after restart');
      const { payload } = await jwtVerify(minted.token, createLocalJWKSet(jwks), {
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      assert.equal(payload.client_id, created.partner_id);
      const again = await fetch(`${second.url}/v1/tokens`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${created.secret_key}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(mintBody()),
      });
      assert.equal(again.status, 201, 'the partner and its key survived the restart');
    } finally {
      await second.stop();
    }
  });
});
