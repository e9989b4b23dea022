import type { Quote } from '../../contracts/v1/quote.ts';
import type { QuoteStatus } from './quote.controller.ts';

/** `tessera-ready` from `<tessera-quote>`: the quote as loaded. */
export interface QuoteReadyDetail {
  widget: 'quote';
  status: QuoteStatus;
  quote: Quote;
}

/** `tessera-success` from `<tessera-quote>`: the quote after the customer's decision. */
export interface QuoteSuccessDetail {
  widget: 'quote';
  action: 'accept' | 'decline';
  quote: Quote;
  /**
   * The id of the event this action wrote, \`evt_…\`: the \`webhook-id\` your backend's webhook
   * receives and the \`id\` in the event feed, so the page's view and the backend's join on it.
   * Null only when the core API named none.
   */
  event_id: string | null;
}

declare module '../core/events.ts' {
  interface TesseraReadyDetails {
    quote: QuoteReadyDetail;
  }
  interface TesseraSuccessDetails {
    quote: QuoteSuccessDetail;
  }
}
