/**
 * The page and the partner's backend join on one id: `tessera-success` names the event the
 * customer's action wrote, the same `id` the event feed (and so the webhook) carries.
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { buttonNamed, part } from '../../support/browser/dom.ts';
import { demo } from '../../support/browser/stack.ts';
import { describe, it } from '../../support/browser/mocha.ts';
import { mountQuote, settled, typeSigner } from './quote-fixture.ts';

interface StoredEvent {
  id: string;
  type: string;
  data: { id: string };
}

async function eventsOf(accountId: string): Promise<StoredEvent[]> {
  const response = await fetch(`/__events?account=${accountId}`);
  return (await response.json()) as StoredEvent[];
}

describe('tessera-success carries event_id', () => {
  it("a listener on document gets the quote.accepted event's id, as the feed names it", async () => {
    const d = await demo();
    // The real core API on another origin: the id travels in a header CORS must expose.
    const el = await settled(
      await mountQuote({ quoteId: d.quotes.open, apiBase: d.apiBase, tokenUrl: d.tokenUrl }),
      'ready',
    );
    const heard = oneEvent(document, 'tessera-success');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    const { detail } = await heard;
    expect(detail.widget).to.equal('quote');
    expect(detail.event_id).to.match(/^evt_/);
    const accepted = (await eventsOf(d.accountId)).filter((e) => e.type === 'quote.accepted');
    expect(accepted.map((e) => e.id)).to.deep.equal([detail.event_id]);
    expect(accepted[0]?.data.id).to.equal(d.quotes.open);
  });

  it("a decline names the quote.declined event's id", async () => {
    const d = await demo();
    const el = await settled(
      await mountQuote({ quoteId: d.quotes.open, apiBase: d.apiBase, tokenUrl: d.tokenUrl }),
      'ready',
    );
    const heard = oneEvent(el, 'tessera-success');
    buttonNamed(el, /^Decline$/).click();
    await el.updateComplete;
    part(el, 'danger-button')!.click();
    const { detail } = await heard;
    const declined = (await eventsOf(d.accountId)).find((e) => e.type === 'quote.declined');
    expect(detail.event_id).to.equal(declined?.id);
  });
});
