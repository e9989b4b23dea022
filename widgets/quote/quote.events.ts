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
}

declare module '../core/events.ts' {
  interface TesseraReadyDetails {
    quote: QuoteReadyDetail;
  }
  interface TesseraSuccessDetails {
    quote: QuoteSuccessDetail;
  }
}
