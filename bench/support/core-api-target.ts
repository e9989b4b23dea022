/**
 * The core API under load for bench:core-api, in its own process: `--verify on` is the real
 * service; `--verify off` swaps only the token verifier for one that reads the claims without
 * checking anything (never used outside this benchmark), so the difference is what
 * verification costs. Prints `{ url, account_id, quote_id }` once listening.
 */
import { parseArgs } from 'node:util';
import { SCOPES, type Scope, type TokenClaims } from '../../contracts/index.ts';
import { coreApiConfig } from '../../core-api/config.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { startCoreApi } from '../../core-api/server.ts';
import { createLogger } from '../../service-kit/log.ts';
import type { Verifier, VerifiedToken } from '../../verify/index.ts';

const { values } = parseArgs({
  options: {
    verify: { type: 'string' },
    'token-service': { type: 'string' },
    partner: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

function claimsOf(token: string): TokenClaims {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as TokenClaims;
}

/** Reads the bearer token's claims, checks nothing: the same work minus verification. */
function trustingVerifier(): Verifier {
  const known = new Set<string>(SCOPES);
  const read = (token: string): VerifiedToken => {
    const claims = claimsOf(token);
    const scopes = new Set(claims.scope.split(' ').filter((s): s is Scope => known.has(s)));
    return { claims, scopes, token };
  };
  return {
    verify: (request) => {
      const headers = request.headers;
      const auth =
        headers instanceof Headers ? headers.get('authorization') : headers.authorization;
      return Promise.resolve(read((auth ?? '').replace(/^Bearer /, '')));
    },
    verifyToken: (token) => Promise.resolve(read(token)),
    warmUp: () => Promise.resolve(true),
    close: () => undefined,
    stats: () => ({ jwksFetches: 0, revocationFetches: 0, verifiedCacheHits: 0 }),
  };
}

const api = await startCoreApi(
  coreApiConfig(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: values['data-dir'],
      tokenServiceUrl: values['token-service'],
    },
    {
      ...process.env,
      TESSERA_CORE_RATE_PER_SECOND: '1000000',
      TESSERA_CORE_RATE_BURST: '1000000',
      TESSERA_LOG_LEVEL: 'warn',
    },
  ),
  // Logs to stderr: stdout carries the one line the benchmark reads.
  createLogger('core-api', { level: 'warn', fd: 2 }),
  values.verify === 'off' ? { verifier: trustingVerifier } : {},
);
const seed = await seedDemo(api.store, { partnerId: values.partner ?? '' });
process.stdout.write(
  JSON.stringify({ url: api.url, account_id: seed.account_id, quote_id: seed.quotes.open }) + '\n',
);
process.once('SIGTERM', () => void api.close().then(() => process.exit(0)));
