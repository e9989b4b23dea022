/**
 * The core API and the partner's token endpoint as MSW handlers. Every body they answer is parsed
 * with the contracts' schema first (resources, error envelopes, reference data, token claims), and
 * every body they receive is checked as the reference core API checks it (core-api/domain), so a
 * story cannot show something the v1 contract does not allow. The one exception is `malformed()`,
 * which exists to show what the widgets do when an API breaks the contract.
 */
export { API_BASE, TOKEN_URL, isMocked, resetMocks, seen, type Seen } from './log.ts';
export {
  after,
  always,
  elsewhere,
  failure,
  first,
  hang,
  malformed,
  networkError,
  respond,
  Sandbox,
  type FailureOptions,
  type Override,
} from './answers.ts';
export { fakeJwt, tokenEndpoint, type TokenEndpointOptions } from './token.ts';
export { reference } from './reference.ts';
export { quoteApi, type QuoteOverrides } from './quote.ts';
export { accountApi, type AccountOverrides } from './account.ts';
export { onboardingApi, withSteps, type OnboardingOverrides } from './onboarding.ts';
