import type { ErrorCode } from '../../contracts/v1/errors.ts';

/**
 * The `detail` of each widget's `tessera-ready` and `tessera-success`, keyed by widget. Each widget
 * adds its own entry (declaration merging), so a listener on `document` sees the union.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TesseraReadyDetails {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TesseraSuccessDetails {}

export type TesseraReadyDetail = TesseraReadyDetails[keyof TesseraReadyDetails];
export type TesseraSuccessDetail = TesseraSuccessDetails[keyof TesseraSuccessDetails];

export interface TesseraChangeDetail<Status extends string = string> {
  status: Status;
  previous: Status;
}

export interface TesseraErrorDetail {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  requestId: string | undefined;
  sessionId: string | undefined;
}

const OPTIONS: EventInit = { bubbles: true, composed: true };

/** The widget has loaded its data, in whatever state it is. */
export class TesseraReadyEvent<D = TesseraReadyDetail> extends Event {
  declare readonly type: 'tessera-ready';
  declare readonly detail: D;
  constructor(detail: D) {
    super('tessera-ready', OPTIONS);
    this.detail = detail;
  }
}

/** The widget's state changed (loading, ready, saving, done …). */
export class TesseraChangeEvent<D = TesseraChangeDetail> extends Event {
  declare readonly type: 'tessera-change';
  declare readonly detail: D;
  constructor(detail: D) {
    super('tessera-change', OPTIONS);
    this.detail = detail;
  }
}

/** The customer's action was recorded by the core API. */
export class TesseraSuccessEvent<D = TesseraSuccessDetail> extends Event {
  declare readonly type: 'tessera-success';
  declare readonly detail: D;
  constructor(detail: D) {
    super('tessera-success', OPTIONS);
    this.detail = detail;
  }
}

/** Something failed; `retryable` says whether the widget offers to try again. */
export class TesseraErrorEvent extends Event {
  declare readonly type: 'tessera-error';
  declare readonly detail: TesseraErrorDetail;
  constructor(detail: TesseraErrorDetail) {
    super('tessera-error', OPTIONS);
    this.detail = detail;
  }
}

export type TesseraEvent =
  | TesseraReadyEvent<unknown>
  | TesseraChangeEvent<unknown>
  | TesseraSuccessEvent<unknown>
  | TesseraErrorEvent;

/** What a controller reports; the element turns each into the DOM event of the same name. */
export type ControllerEvent =
  | { type: 'ready'; detail: unknown }
  | { type: 'change'; detail: TesseraChangeDetail }
  | { type: 'success'; detail: unknown }
  | { type: 'error'; detail: TesseraErrorDetail };

export function toDomEvent(event: ControllerEvent): TesseraEvent {
  switch (event.type) {
    case 'ready':
      return new TesseraReadyEvent(event.detail);
    case 'change':
      return new TesseraChangeEvent(event.detail);
    case 'success':
      return new TesseraSuccessEvent(event.detail);
    case 'error':
      return new TesseraErrorEvent(event.detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tessera-ready': TesseraReadyEvent;
    'tessera-change': TesseraChangeEvent;
    'tessera-success': TesseraSuccessEvent;
    'tessera-error': TesseraErrorEvent;
  }
}
