/**
 * The contract suite against the reference core API: a token service, a test-mode partner with
 * every scope on https://shop.example, a core API, and a fresh seed — plus a second partner's seed,
 * whose account the first partner is not linked to, for the cross-account checks.
 */
import { after, before } from 'node:test';
import { SCOPES } from '../../contracts/index.ts';
import { coreApiConfig } from '../../core-api/config.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { startCoreApi, type RunningCoreApi } from '../../core-api/server.ts';
import { startTestService, tempDir, type TestService } from '../token-service/helpers.ts';
import { contractSuite, type ContractContext } from './suite.ts';

const ORIGIN = 'https://shop.example';

let tokenService: TestService | undefined;
let api: RunningCoreApi | undefined;
let context: ContractContext | undefined;

before(async () => {
  tokenService = await startTestService();
  const rate_limit = { per_second: 1000, burst: 1000 };
  const partner = await tokenService.createPartner({
    name: 'Contract Shop',
    mode: 'test',
    scopes: [...SCOPES],
    origins: [ORIGIN],
    rate_limit,
  });
  const otherPartner = await tokenService.createPartner({
    name: 'Other Shop',
    mode: 'test',
    scopes: [...SCOPES],
    origins: ['https://other.example'],
    rate_limit,
  });
  api = await startCoreApi(
    coreApiConfig(
      { port: 0, host: '127.0.0.1', dataDir: await tempDir(), tokenServiceUrl: tokenService.url },
      {
        TESSERA_ADMIN_TOKEN: 'tadm_contract_reference_tests',
        TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'silent',
      },
    ),
  );
  const seed = await seedDemo(api.store, { partnerId: partner.partner.id });
  const otherSeed = await seedDemo(api.store, { partnerId: otherPartner.partner.id });
  context = {
    baseUrl: api.url,
    tokenServiceUrl: tokenService.url,
    partnerKey: partner.key.secret,
    origin: ORIGIN,
    seed,
    otherAccount: { account_id: otherSeed.account_id, quotes: { open: otherSeed.quotes.open } },
  };
});

after(async () => {
  await api?.close();
  await tokenService?.close();
});

contractSuite(() => {
  if (!context) throw new Error('the reference stack did not start (see the before hook)');
  return context;
});
