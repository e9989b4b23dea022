import type { ErrorCode } from '../../contracts/v1/errors.ts';
import type { Quote } from '../../contracts/v1/quote.ts';
import type { QuoteStatus } from './quote.controller.ts';

export interface TesseraReadyDetail {
  status: QuoteStatus;
  quote: Quote;
}

export interface TesseraChangeDetail {
  status: QuoteStatus;
  previous: QuoteStatus;
}

export interface TesseraSuccessDetail {
  action: 'accept' | 'decline';
  quote: Quote;
}

export interface TesseraErrorDetail {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  requestId: string | undefined;
  sessionId: string | undefined;
}

const OPTIONS: EventInit = { bubbles: true, composed: true };

/** The quote has loaded, in whatever state it is. */
export class TesseraReadyEvent extends Event {
  declare readonly type: 'tessera-ready';
  readonly detail: TesseraReadyDetail;
  constructor(detail: TesseraReadyDetail) {
    super('tessera-ready', OPTIONS);
    this.detail = detail;
  }
}

/** The widget's state changed (loading, ready, accepting, accepted …). */
export class TesseraChangeEvent extends Event {
  declare readonly type: 'tessera-change';
  readonly detail: TesseraChangeDetail;
  constructor(detail: TesseraChangeDetail) {
    super('tessera-change', OPTIONS);
    this.detail = detail;
  }
}

/** The customer accepted or declined the quote, and the core API recorded it. */
export class TesseraSuccessEvent extends Event {
  declare readonly type: 'tessera-success';
  readonly detail: TesseraSuccessDetail;
  constructor(detail: TesseraSuccessDetail) {
    super('tessera-success', OPTIONS);
    this.detail = detail;
  }
}

/** Something failed; `retryable` says whether the widget offers to try again. */
export class TesseraErrorEvent extends Event {
  declare readonly type: 'tessera-error';
  readonly detail: TesseraErrorDetail;
  constructor(detail: TesseraErrorDetail) {
    super('tessera-error', OPTIONS);
    this.detail = detail;
  }
}

export type TesseraQuoteEvent =
  TesseraReadyEvent | TesseraChangeEvent | TesseraSuccessEvent | TesseraErrorEvent;

declare global {
  interface GlobalEventHandlersEventMap {
    'tessera-ready': TesseraReadyEvent;
    'tessera-change': TesseraChangeEvent;
    'tessera-success': TesseraSuccessEvent;
    'tessera-error': TesseraErrorEvent;
  }
}
