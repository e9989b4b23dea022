import { createFakeTessera } from '../../sdk/testing.ts';
import { ORIGIN, startTestStack } from '../core-api/helpers.ts';
import { scenarioSuite } from './scenario.suite.ts';

scenarioSuite('the in-memory fake', () => {
  const fake = createFakeTessera();
  return Promise.resolve({
    options: fake.options,
    subject: 'acct_fake0000000001',
    origin: ORIGIN,
    close: async () => {},
  });
});

scenarioSuite('the real token service and core API', async () => {
  const stack = await startTestStack();
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
    close: () => stack.close(),
  };
});
