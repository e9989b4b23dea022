import type { DocStack, Fixture } from './stack.ts';

/**
 * The example values the docs write, and what they stand for in the test: the default local
 * URLs, the example hosts, and the `…` ids a reader fills in. Anything else in a sample runs as
 * written.
 */
export function substitute(
  code: string,
  stack: Pick<DocStack, 'tokenServiceUrl' | 'coreApiUrl'>,
  fixture: Fixture,
  siteOrigin?: string,
): string {
  const pairs: [string, string][] = [
    ['http://127.0.0.1:4000', stack.tokenServiceUrl],
    ['http://127.0.0.1:4100', stack.coreApiUrl],
    ['https://tokens.tessera.example', stack.tokenServiceUrl],
    ['https://api.tessera.dev', stack.coreApiUrl],
    ['acct_…', fixture.accountId],
    ['qt_…', fixture.quoteId],
    ['onb_…', fixture.onboardingId],
    ['ptn_…', fixture.partnerId],
    // The example partner the reference pages (rate-limits.md) write out in full.
    ['ptn_AGPNamP3idGRPf6Z', fixture.partnerId],
  ];
  if (siteOrigin) pairs.push(['https://cdn.example', siteOrigin]);
  return pairs.reduce((text, [from, to]) => text.split(from).join(to), code);
}
