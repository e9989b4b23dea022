import type * as z from 'zod/mini';
import { Quote, QuoteAccept, QuoteDecline, QuoteId } from '../../contracts/v1/quote.ts';
import type { ApiClient } from '../core/api-client.ts';
import { WidgetError, type WidgetErrorDetail } from '../core/errors.ts';
import { fieldErrorsOf, fieldIssues, type FieldIssue } from '../core/field-issues.ts';
import { HeadlessController } from '../core/headless-controller.ts';
import type { QuoteReadyDetail, QuoteSuccessDetail } from './quote.events.ts';

export type QuoteField = 'signerName' | 'signerEmail' | 'acceptTerms' | 'reason';

/** A stable code per field problem, for the element to translate; `message` is English. */
export interface FieldError {
  code: 'required' | 'too_long' | 'invalid_email' | 'invalid';
  message: string;
}
export type FieldErrors = Partial<Record<QuoteField, FieldError>>;

/**
 * Every state carries the quote once it is known, so the UI keeps showing it while busy or
 * failed. `accepted`, `declined` and `expired` are terminal.
 */
export type QuoteState =
  | { status: 'loading' }
  | {
      status: 'ready';
      quote: Quote;
      fieldErrors?: FieldErrors;
      /** The quote changed while the customer was deciding: shown as it is now, to decide again. */
      changed?: boolean;
    }
  | { status: 'accepting' | 'declining'; quote: Quote }
  | { status: 'accepted' | 'declined' | 'expired'; quote: Quote }
  | { status: 'forbidden'; error: WidgetError; quote?: Quote }
  | { status: 'error'; error: WidgetError; quote?: Quote };

export type QuoteStatus = QuoteState['status'];

/** The element layer turns these into `tessera-ready`, `tessera-change`, `tessera-success`, `tessera-error`. */
export type QuoteEvent =
  | { type: 'ready'; detail: QuoteReadyDetail }
  | { type: 'change'; detail: { status: QuoteStatus; previous: QuoteStatus } }
  | { type: 'success'; detail: QuoteSuccessDetail }
  | { type: 'error'; detail: WidgetErrorDetail };

export interface QuoteControllerOptions {
  quoteId: string;
  api: ApiClient;
  onEvent?: (event: QuoteEvent) => void;
  /** A quote already at hand (a server render's): the first `load()` takes it instead of fetching. */
  initial?: InitialQuote | undefined;
}

export interface InitialQuote {
  quote: Quote;
  /** Its `ETag`, sent as `If-Match` with the decision. */
  etag?: string | undefined;
  /** The token's scopes, when known: without `quote:accept` the quote is shown read-only. */
  scopes?: readonly string[] | undefined;
}

export interface AcceptInput {
  signerName: string;
  signerEmail: string;
  acceptTerms: boolean;
}

export interface DeclineInput {
  reason?: string;
}

type Decision =
  | { kind: 'accept'; body: QuoteAccept; key: string; ifMatch: string | undefined }
  | { kind: 'decline'; body: QuoteDecline; key: string; ifMatch: string | undefined };
type Action = { kind: 'load' } | Decision;

const FIELD_NAMES: Record<string, QuoteField> = {
  signer_name: 'signerName',
  signer_email: 'signerEmail',
  accept_terms: 'acceptTerms',
  reason: 'reason',
};

function fieldError(field: QuoteField, code: string, message: string): FieldError {
  if (field === 'acceptTerms') return { code: 'required', message };
  if (code === 'too_small') return { code: 'required', message };
  if (code === 'too_big') return { code: 'too_long', message };
  if (field === 'signerEmail') return { code: 'invalid_email', message };
  return { code: 'invalid', message };
}

function fieldErrors(issues: readonly FieldIssue[]): FieldErrors {
  return fieldErrorsOf(
    issues,
    (path) => FIELD_NAMES[path],
    (field, issue) => fieldError(field, issue.code, issue.message),
  );
}

function zodIssues(error: z.core.$ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
}

/** The state a quote loads into: its own status decides. */
function stateOf(quote: Quote): QuoteState {
  switch (quote.status) {
    case 'open':
      return { status: 'ready', quote };
    case 'accepted':
    case 'declined':
    case 'expired':
      return { status: quote.status, quote };
    case 'draft':
      return {
        status: 'error',
        error: new WidgetError('not_found', 'This quote has not been issued yet.'),
      };
  }
}

function readOnly(): WidgetError {
  return new WidgetError('insufficient_scope', 'This token may read the quote but not decide it.');
}

/** The state an initial quote starts in, the same wherever it is computed (server or browser). */
function initialState({ quote, scopes }: InitialQuote): QuoteState {
  const state = stateOf(quote);
  if (state.status === 'ready' && scopes && !scopes.includes('quote:accept')) {
    return { status: 'forbidden', error: readOnly(), quote };
  }
  return state;
}

const BUSY: readonly QuoteStatus[] = ['loading', 'accepting', 'declining'];

/**
 * The quote widget without a DOM: loads a quote, accepts or declines it, and keeps one
 * observable state. Call `load()` once to start.
 */
export class QuoteController extends HeadlessController<QuoteState, QuoteEvent> {
  declare readonly quoteId: string;
  #etag: string | undefined;
  #lastFailed: Action | undefined;
  #initial: InitialQuote | undefined;

  constructor({ quoteId, api, onEvent, initial }: QuoteControllerOptions) {
    super(api, initial ? initialState(initial) : { status: 'loading' }, onEvent);
    this.quoteId = quoteId;
    this.#initial = initial;
  }

  get #quote(): Quote | undefined {
    const state = this.getState();
    return 'quote' in state ? state.quote : undefined;
  }

  /**
   * Loads the quote; ignored while a decision is being sent, whose answer is the newer truth. The
   * first call with an initial quote only announces it.
   */
  async load(): Promise<QuoteState> {
    const initial = this.#initial;
    if (initial) {
      this.#initial = undefined;
      this.#etag = initial.etag;
      this.#announce(this.getState(), initial.quote);
      return this.getState();
    }
    const status = this.getState().status;
    if (status === 'accepting' || status === 'declining') return this.getState();
    const run = this.begin();
    if (!QuoteId.safeParse(this.quoteId).success) {
      return this.#fail(
        { kind: 'load' },
        new WidgetError('configuration_invalid', 'quote-id is missing or not a quote id.'),
      );
    }
    this.set({ status: 'loading' });
    try {
      const { data, etag } = await this.api.get(this.#path(), Quote, this.signal());
      if (!this.isCurrent(run)) return this.getState();
      this.#etag = etag;
      this.#lastFailed = undefined;
      let state = stateOf(data);
      if (state.status === 'ready' && !(await this.grants('quote:accept'))) {
        if (!this.isCurrent(run)) return this.getState();
        // A read-only view: the quote without buttons the core API would refuse.
        state = { status: 'forbidden', error: readOnly(), quote: data };
      }
      this.set(state);
      this.#announce(state, data);
    } catch (error) {
      if (this.isCurrent(run)) this.#fail({ kind: 'load' }, error);
    }
    return this.getState();
  }

  #announce(state: QuoteState, quote: Quote): void {
    if (state.status === 'error') this.emitError(state.error);
    else this.emit({ type: 'ready', detail: { widget: 'quote', status: state.status, quote } });
  }

  /** Validates locally first: invalid input sets `fieldErrors` and sends nothing. */
  accept(input: AcceptInput): Promise<QuoteState> {
    const parsed = QuoteAccept.safeParse({
      signer_name: input.signerName,
      signer_email: input.signerEmail,
      accept_terms: input.acceptTerms,
    });
    return this.#decide('accept', parsed);
  }

  decline(input: DeclineInput = {}): Promise<QuoteState> {
    const parsed = QuoteDecline.safeParse(input.reason ? { reason: input.reason } : {});
    return this.#decide('decline', parsed);
  }

  /** Repeats the last failed action; a decision goes again under the same idempotency key. */
  retry(): Promise<QuoteState> {
    const action = this.#lastFailed;
    if (!action) return Promise.resolve(this.getState());
    return action.kind === 'load' ? this.load() : this.#submit(action);
  }

  #decide(kind: 'accept', parsed: ReturnType<typeof QuoteAccept.safeParse>): Promise<QuoteState>;
  #decide(kind: 'decline', parsed: ReturnType<typeof QuoteDecline.safeParse>): Promise<QuoteState>;
  #decide(
    kind: Decision['kind'],
    parsed: ReturnType<typeof QuoteAccept.safeParse> | ReturnType<typeof QuoteDecline.safeParse>,
  ): Promise<QuoteState> {
    const state = this.getState();
    const quote = this.#quote;
    // Only an open quote at rest can be decided: a second click while sending sends nothing.
    const canDecide = state.status === 'ready' || (state.status === 'error' && quote);
    if (!canDecide || !quote || quote.status !== 'open') return Promise.resolve(state);
    if (!parsed.success) {
      this.set({ status: 'ready', quote, fieldErrors: fieldErrors(zodIssues(parsed.error)) });
      return Promise.resolve(this.getState());
    }
    const decision = {
      kind,
      body: parsed.data,
      key: crypto.randomUUID(),
      ifMatch: this.#etag,
    } as Decision;
    return this.#submit(decision);
  }

  async #submit(action: Decision): Promise<QuoteState> {
    const quote = this.#quote;
    if (!quote || BUSY.includes(this.getState().status)) return this.getState();
    const run = this.begin();
    this.set({ status: action.kind === 'accept' ? 'accepting' : 'declining', quote });
    try {
      const { data, etag, eventId } = await this.api.post(
        `${this.#path()}/${action.kind}`,
        action.body,
        Quote,
        {
          idempotencyKey: action.key,
          ...(action.ifMatch ? { ifMatch: action.ifMatch } : {}),
          ...this.signal(),
        },
      );
      if (!this.isCurrent(run)) return this.getState();
      this.#etag = etag;
      this.#lastFailed = undefined;
      this.set(stateOf(data));
      this.emit({
        type: 'success',
        detail: { widget: 'quote', action: action.kind, quote: data, event_id: eventId },
      });
    } catch (caught) {
      if (!this.isCurrent(run)) return this.getState();
      await this.#decisionFailed(action, quote, this.toError(caught), run);
    }
    return this.getState();
  }

  async #decisionFailed(action: Decision, quote: Quote, error: WidgetError, run: number) {
    switch (error.code) {
      case 'quote_expired':
        this.#lastFailed = undefined;
        this.set({ status: 'expired', quote: { ...quote, status: 'expired' } });
        this.emitError(error);
        return;
      case 'insufficient_scope':
        this.#lastFailed = undefined;
        this.set({ status: 'forbidden', error, quote });
        this.emitError(error);
        return;
      case 'validation_failed': {
        this.#lastFailed = undefined;
        this.set({ status: 'ready', quote, fieldErrors: fieldErrors(fieldIssues(error)) });
        return;
      }
      case 'quote_not_open':
      case 'version_conflict': {
        // Someone (perhaps this customer, in another tab) changed the quote: show it as it is now.
        this.#lastFailed = undefined;
        const fresh = await this.#reload();
        if (!this.isCurrent(run)) return;
        const state = fresh ? stateOf(fresh) : undefined;
        if (state && state.status !== 'ready') {
          this.set(state);
          return;
        }
        if (state) {
          // Still open, but not as read: show it as it is now, to be reviewed and decided again.
          this.set({ ...state, changed: true });
        } else {
          this.set({ status: 'error', error, quote });
        }
        this.emitError(error);
        return;
      }
      default:
        this.#fail(action, error);
    }
  }

  async #reload(): Promise<Quote | undefined> {
    try {
      const { data, etag } = await this.api.get(this.#path(), Quote, this.signal());
      this.#etag = etag;
      return data;
    } catch {
      return undefined;
    }
  }

  #fail(action: Action, caught: unknown): QuoteState {
    const error = this.toError(caught);
    this.#lastFailed = action;
    const quote = this.#quote;
    if (error.code === 'insufficient_scope') {
      this.set({ status: 'forbidden', error, ...(quote ? { quote } : {}) });
    } else {
      this.set({ status: 'error', error, ...(quote ? { quote } : {}) });
    }
    this.emitError(error);
    return this.getState();
  }

  #path(): string {
    return `v1/quotes/${encodeURIComponent(this.quoteId)}`;
  }
}
