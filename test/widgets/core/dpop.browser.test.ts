import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { pageDpopKey } from '../../../widgets/core/dpop.ts';
import '../../../widgets/quote/define.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { before, describe, it } from '../../support/browser/mocha.ts';

interface Demo {
  apiBase: string;
  tokenUrl: string;
  accountId: string;
  quotes: { open: string };
}

function claims(token: string): { cnf?: { jkt?: string } } {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
    cnf?: { jkt?: string };
  };
}

describe('DPoP in the browser: tokens bound to the page key (RFC 9449)', () => {
  let demo: Demo;

  before(async () => {
    demo = (await (await fetch('/__stack', { method: 'POST' })).json()) as Demo;
  });

  it('binds the widget token to a non-extractable page key and accepts a quote with proofs', async () => {
    const key = await pageDpopKey();
    if (!key) throw new Error('WebCrypto is available on localhost: a key was expected');
    const el = await fixture<TesseraQuote>(
      html`<tessera-quote
        quote-id=${demo.quotes.open}
        api-base=${demo.apiBase}
        token-url=${`${demo.tokenUrl}&dpop=1`}
        locale="en"
      ></tessera-quote>`,
    );
    await waitUntil(() => el.state.status === 'ready', 'the bound token read the quote', {
      timeout: 10_000,
    });
    const log = (await (await fetch(`/__token-log?account=${demo.accountId}`)).json()) as {
      dpop_jkt: string | null;
      token: string | null;
    }[];
    const minted = log.at(-1)!;
    expect(minted.dpop_jkt, 'fetchToken got the thumbprint').to.equal(key.jkt);
    expect(claims(minted.token ?? '').cnf?.jkt, 'the token is bound to it').to.equal(key.jkt);

    const root = el.shadowRoot!;
    (root.querySelector('#signer-name') as HTMLInputElement).value = 'Ada Lovelace';
    (root.querySelector('#signer-email') as HTMLInputElement).value = 'ada@example.com';
    (root.querySelector('#accept-terms') as HTMLInputElement).checked = true;
    (root.querySelector('[part~="primary-button"]') as HTMLButtonElement).click();
    await waitUntil(() => el.state.status === 'accepted', 'accepted with a proof per request', {
      timeout: 10_000,
    });
  });

  it('a bound token copied off the page is refused without a proof of this key (dpop_proof_missing)', async () => {
    await fixture(html`<div></div>`);
    const response = await fetch(`${demo.tokenUrl}&dpop=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: 'ws_stolen', dpop_jkt: (await pageDpopKey())!.jkt }),
    });
    const { token } = (await response.json()) as { token: string };
    // What a thief holding only the token can send: the bearer scheme, no proof.
    const stolen = await fetch(`${demo.apiBase}/v1/quotes/${demo.quotes.open}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stolen.status).to.equal(401);
    const body = (await stolen.json()) as { error: { code: string } };
    expect(body.error.code).to.equal('dpop_proof_missing');
  });
});
