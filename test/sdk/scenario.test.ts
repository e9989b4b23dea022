import { CORE_API_ROUTES } from '../../contracts/index.ts';
import { createFakeTessera } from '../../sdk/testing.ts';
import { ORIGIN, startTestStack } from '../core-api/helpers.ts';
import { scenarioSuite } from './scenario.suite.ts';

scenarioSuite('the in-memory fake', () => {
  const fake = createFakeTessera();
  return Promise.resolve({
    options: fake.options,
    subject: 'acct_fake0000000001',
    origin: ORIGIN,
    partnerApi: true,
    close: async () => {},
  });
});

scenarioSuite('the real token service and core API', async () => {
  const served = new Set(Object.keys(CORE_API_ROUTES));
  const stack = await startTestStack();
  const partnerApi = ['upsertPartnerAccount', 'createPartnerQuote', 'listPartnerEvents'].every(
    (id) => served.has(id),
  );
  return {
    options: {
      secretKey: stack.partner.secret,
      partnerId: stack.partner.id,
      tokenServiceUrl: stack.tokenService.url,
      apiUrl: stack.api.url,
      fetch: (input, init) => fetch(input, init),
    },
    subject: stack.seed.account_id,
    origin: ORIGIN,
    partnerApi:
      partnerApi || 'the core API does not serve the partner accounts/quotes/events routes yet',
    close: () => stack.close(),
  };
});
