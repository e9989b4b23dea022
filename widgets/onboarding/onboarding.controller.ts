import {
  OnboardingApplication,
  OnboardingId,
  type OnboardingPatch,
  type OnboardingStep,
} from '../../contracts/v1/onboarding.ts';
import { versionEtag } from '../../contracts/v1/etag.ts';
import { CountryList, CurrencyList } from '../../contracts/v1/reference.ts';
import type { ApiClient, RequestOptions } from '../core/api-client.ts';
import { WidgetError, type WidgetErrorDetail } from '../core/errors.ts';
import { fieldErrorsOf, fieldIssues } from '../core/field-issues.ts';
import { HeadlessController } from '../core/headless-controller.ts';
import type {
  OnboardingChangeDetail,
  OnboardingReadyDetail,
  OnboardingSuccessDetail,
} from './onboarding.events.ts';
import {
  FIELDS,
  STEPS,
  differs,
  draftable,
  fieldAt,
  fieldErrorFor,
  filledErrors,
  holds,
  normalise,
  stepDraft,
  stepOf,
  validateStep,
  valuesFromDraft,
  withChange,
  withDefaults,
  type FieldErrors,
  type OnboardingField,
  type OnboardingValues,
  type Reference,
} from './onboarding.fields.ts';

export type OnboardingStatus =
  | 'loading'
  | 'editing'
  | 'saving'
  | 'submitting'
  | 'conflict'
  | 'submitted'
  | 'forbidden'
  | 'error';

/** Everything the form shows once the application is known. */
export interface OnboardingForm extends Reference {
  /** The application as the core API last answered it. */
  readonly application: OnboardingApplication;
  /** The step on screen. */
  readonly step: OnboardingStep;
  /** What the customer typed, saved or not. */
  readonly values: OnboardingValues;
  readonly fieldErrors: FieldErrors;
  /** Set when an action was refused for its fields: the element shows the error summary. */
  readonly summary: boolean;
}

/** A field someone else changed since this form last saved, with both values. */
export interface ConflictField {
  field: OnboardingField;
  step: OnboardingStep;
  theirs: string | boolean;
  mine: string | boolean;
}

/**
 * The form is carried through every state once known, so nothing typed is lost when a save
 * fails, conflicts, or is retried. `submitted` is terminal.
 */
export type OnboardingState =
  | { status: 'loading'; form?: undefined }
  | { status: 'editing' | 'saving' | 'submitting' | 'submitted'; form: OnboardingForm }
  | { status: 'conflict'; form: OnboardingForm; conflict: readonly ConflictField[] }
  | { status: 'forbidden' | 'error'; error: WidgetError; form?: OnboardingForm };

/** The element layer turns these into `tessera-ready`, `tessera-change`, `tessera-success`, `tessera-error`. */
export type OnboardingEvent =
  | { type: 'ready'; detail: OnboardingReadyDetail }
  | { type: 'change'; detail: OnboardingChangeDetail }
  | { type: 'success'; detail: OnboardingSuccessDetail }
  | { type: 'error'; detail: WidgetErrorDetail };

export interface OnboardingControllerOptions {
  api: ApiClient;
  /**
   * A given application instead of the token's open one (`POST /v1/onboarding` starts or resumes
   * that). Needed for a read-only view, since a token without `onboarding:write` cannot start one.
   */
  applicationId?: string | undefined;
  onEvent?: (event: OnboardingEvent) => void;
  /**
   * An application already started or resumed (a server render's), with the reference data:
   * the first `start()` takes it instead of asking the core API.
   */
  initial?: InitialOnboarding | undefined;
}

export interface InitialOnboarding extends Reference {
  application: OnboardingApplication;
  /** Its `ETag`, sent as `If-Match` with the next save. */
  etag?: string | undefined;
  /** The token's scopes, when known: without `onboarding:write` the application is read-only. */
  scopes?: readonly string[] | undefined;
}

/** The state an application opens in, the same wherever it is computed (server or browser). */
function openedState(
  application: OnboardingApplication,
  reference: Reference,
  write: boolean,
): Exclude<OnboardingState, { status: 'loading' }> {
  const form: OnboardingForm = {
    countries: reference.countries,
    currencies: reference.currencies,
    application,
    step: application.status === 'submitted' ? 'review' : application.current_step,
    values: withDefaults(valuesFromDraft(application.values), reference),
    fieldErrors: {},
    summary: false,
  };
  return application.status === 'submitted'
    ? { status: 'submitted', form }
    : write
      ? { status: 'editing', form }
      : { status: 'forbidden', error: readOnly(true), form };
}

type Move = { kind: 'move'; to: OnboardingStep; complete: boolean; report: boolean };
type Submit = { kind: 'submit' };
/** "Keep mine" after a conflict: save the other steps that conflicted, then what was interrupted. */
type Keep = { kind: 'keep'; steps: OnboardingStep[]; then: Move | Submit };
type Action = { kind: 'start' } | Move | Submit | Keep;

/** A save that conflicts again with nothing differing is retried this often, then shown. */
const SILENT_CONFLICT_RETRIES = 2;

/** Reference data changes with a release, not at run time: once per API client is enough. */
const references = new WeakMap<ApiClient, Reference>();

async function referenceData(api: ApiClient, options: RequestOptions): Promise<Reference> {
  const cached = references.get(api);
  if (cached) return cached;
  const [countries, currencies] = await Promise.all([
    api.get('v1/reference/countries', CountryList, options),
    api.get('v1/reference/currencies', CurrencyList, options),
  ]);
  const reference = { countries: countries.data.data, currencies: currencies.data.data };
  references.set(api, reference);
  return reference;
}

function readOnly(application: boolean): WidgetError {
  return new WidgetError(
    'insufficient_scope',
    application
      ? 'This token may read the application but not change it.'
      : 'This token may not start or change an onboarding application.',
  );
}

const count = (errors: FieldErrors) => Object.keys(errors).length;

/** Only shapes the view; the API decides. A token that does not say is given the benefit. */
const canWrite = (scopes: readonly string[] | undefined) =>
  !scopes || scopes.includes('onboarding:write');

/**
 * Onboarding without a DOM: starts or resumes the customer's application, walks the steps
 * company → contact → billing → review, saves each step as a server-side draft (`If-Match`, so
 * an edit made elsewhere is never overwritten unseen) and submits. Call `start()` once.
 */
export class OnboardingController extends HeadlessController<OnboardingState, OnboardingEvent> {
  readonly #applicationId: string | undefined;
  #etag: string | undefined;
  /** What a 412 found on the server, and the action it interrupted, until the customer chooses. */
  #conflict:
    { application: OnboardingApplication; etag: string; action: Move | Submit } | undefined;
  #conflictRetries = 0;
  #lastFailed: Action | undefined;
  /** The step a save was sending, to place the API's field errors (`values.tax_id`). */
  #saving: OnboardingStep | undefined;
  /** One Idempotency-Key per distinct request until it succeeds, so a retry is done once. */
  readonly #keys = new Map<string, string>();

  #initial: InitialOnboarding | undefined;

  constructor({ api, applicationId, onEvent, initial }: OnboardingControllerOptions) {
    super(
      api,
      initial
        ? openedState(initial.application, initial, canWrite(initial.scopes))
        : { status: 'loading' },
      onEvent,
    );
    this.#applicationId = applicationId || undefined;
    this.#initial = initial;
  }

  /**
   * Starts the token's application or resumes it, at the step and with the values it was left
   * with. The first call with an initial application only announces it.
   */
  async start(): Promise<OnboardingState> {
    const initial = this.#initial;
    if (initial) {
      this.#initial = undefined;
      this.#accepted(initial.application, initial.etag);
      const state = this.getState();
      this.emit({
        type: 'ready',
        detail: {
          widget: 'onboarding',
          status: state.status,
          step: state.form?.step,
          application: initial.application,
        },
      });
      return state;
    }
    const status = this.getState().status;
    if (status === 'saving' || status === 'submitting') return this.getState();
    const run = this.begin();
    this.#conflict = undefined;
    this.set({ status: 'loading' });
    const id = this.#applicationId;
    if (id !== undefined && !OnboardingId.safeParse(id).success) {
      return this.#fail(
        { kind: 'start' },
        new WidgetError('configuration_invalid', 'application-id is not an onboarding id.'),
      );
    }
    try {
      const scopes = await this.api.scopes();
      if (!this.isCurrent(run)) return this.getState();
      // Only shapes the view; the API decides. A token that does not say is given the benefit.
      const write = canWrite(scopes);
      if (!write && !(id && scopes?.includes('onboarding:read'))) {
        this.set({ status: 'forbidden', error: readOnly(false) });
        this.emit({
          type: 'ready',
          detail: {
            widget: 'onboarding',
            status: 'forbidden',
            step: undefined,
            application: undefined,
          },
        });
        return this.getState();
      }
      const [started, reference] = await Promise.all([
        id
          ? this.api.get(this.#path(id), OnboardingApplication, this.signal())
          : this.api.post('v1/onboarding', undefined, OnboardingApplication, {
              idempotencyKey: this.#key('POST', 'v1/onboarding', undefined),
              ...this.signal(),
            }),
        referenceData(this.api, this.signal()),
      ]);
      if (!this.isCurrent(run)) return this.getState();
      const application = started.data;
      this.#accepted(application, started.etag);
      this.#lastFailed = undefined;
      const state = openedState(application, reference, write);
      this.set(state);
      this.emit({
        type: 'ready',
        detail: { widget: 'onboarding', status: state.status, step: state.form?.step, application },
      });
    } catch (caught) {
      if (this.isCurrent(run)) this.#fail({ kind: 'start' }, caught);
    }
    return this.getState();
  }

  /**
   * Changes one field, with what follows from it (a region of another country cleared, the
   * currency following the billing country until chosen). A field showing an error is checked
   * again, so the error goes as soon as it is fixed. Allowed while a save is under way.
   */
  setField<F extends OnboardingField>(field: F, value: OnboardingValues[F]): OnboardingState {
    const state = this.getState();
    const form = state.form;
    const editable =
      state.status === 'editing' || state.status === 'saving' || state.status === 'error';
    if (!form || !editable) return state;
    const values = withChange(form.values, field, value, form);
    const fieldErrors = { ...form.fieldErrors };
    for (const name of FIELDS) {
      if (!fieldErrors[name] || !differs(values, form.values, name)) continue;
      const now = validateStep(stepOf(name), normalise(values), form)[name];
      if (now) fieldErrors[name] = now;
      else delete fieldErrors[name];
    }
    this.set({ ...state, form: { ...form, values, fieldErrors } });
    return this.getState();
  }

  /** Checks the step, saves it, and moves on; an incomplete step shows its errors and sends nothing. */
  next(): Promise<OnboardingState> {
    const form = this.#idle();
    const to = form && STEPS[STEPS.indexOf(form.step) + 1];
    return to ? this.#move({ kind: 'move', to, complete: true, report: true }) : this.#now();
  }

  /** Saves what is valid of the step and goes back; nothing blocks going back. */
  back(): Promise<OnboardingState> {
    const form = this.#idle();
    const to = form && STEPS[STEPS.indexOf(form.step) - 1];
    return to ? this.#move({ kind: 'move', to, complete: false, report: false }) : this.#now();
  }

  /** Goes to any step `canGoTo` allows: backwards like `back()`, forwards like `next()`. */
  goTo(step: OnboardingStep): Promise<OnboardingState> {
    const form = this.#idle();
    if (!form || step === form.step || !this.canGoTo(step)) return this.#now();
    const forward = STEPS.indexOf(step) > STEPS.indexOf(form.step);
    return this.#move({ kind: 'move', to: step, complete: forward, report: forward });
  }

  /** Saves what is valid of the step without moving; the problems of filled-in fields are shown. */
  saveDraft(): Promise<OnboardingState> {
    const form = this.#idle();
    return form
      ? this.#move({ kind: 'move', to: form.step, complete: false, report: true })
      : this.#now();
  }

  /** Whether the customer may go to `step` now: any earlier step, or a later one whose predecessors are complete. */
  canGoTo(step: OnboardingStep): boolean {
    const form = this.getState().form;
    if (!form) return false;
    const from = STEPS.indexOf(form.step);
    const to = STEPS.indexOf(step);
    if (to <= from) return true;
    return form.application.steps.slice(from + 1, to).every((s) => s.complete);
  }

  /**
   * From the review step: checks every step, saves whatever is not saved yet, and submits. Errors
   * anywhere are reported on their fields (the element lists them with links) and nothing is sent.
   */
  async submit(): Promise<OnboardingState> {
    const form = this.#idle();
    if (!form || form.step !== 'review') return this.getState();
    const values = normalise(form.values);
    const fieldErrors: FieldErrors = {};
    for (const step of STEPS) Object.assign(fieldErrors, validateStep(step, values, form));
    if (count(fieldErrors) > 0) {
      this.set({ status: 'editing', form: { ...form, values, fieldErrors, summary: true } });
      return this.getState();
    }
    const run = this.begin();
    this.set({ status: 'submitting', form: { ...form, values, fieldErrors: {}, summary: false } });
    try {
      for (const step of STEPS) {
        const application = this.#form()!.application;
        const body = stepDraft(step, values);
        const review = step === 'review' && application.current_step !== 'review';
        if (holds(application.values[step], body) && !review) continue;
        await this.#patch({ step, values: body, ...(review ? { current_step: 'review' } : {}) });
        if (!this.isCurrent(run)) return this.getState();
      }
      const path = `${this.#path(this.#form()!.application.id)}/submit`;
      const { data, etag, eventId } = await this.api.post(path, undefined, OnboardingApplication, {
        idempotencyKey: this.#key('POST', path, undefined),
        ...(this.#etag ? { ifMatch: this.#etag } : {}),
        ...this.signal(),
      });
      if (!this.isCurrent(run)) return this.getState();
      this.#accepted(data, etag);
      this.#succeeded();
      this.set({ status: 'submitted', form: this.#form()! });
      this.emit({
        type: 'success',
        detail: {
          widget: 'onboarding',
          action: 'submit',
          applicationId: data.id,
          application: data,
          event_id: eventId,
        },
      });
    } catch (caught) {
      if (this.isCurrent(run)) await this.#failed({ kind: 'submit' }, caught, run);
    }
    return this.getState();
  }

  /**
   * Settles a conflict (`status: 'conflict'`): `theirs` takes the other values for the fields
   * listed and stays on the step to look; `mine` keeps this form's values and saves them over the
   * newer version, then continues what was interrupted.
   */
  async resolveConflict(choice: 'theirs' | 'mine'): Promise<OnboardingState> {
    const state = this.getState();
    const conflict = this.#conflict;
    if (state.status !== 'conflict' || !conflict) return state;
    this.#conflict = undefined;
    this.#conflictRetries = 0;
    let values = state.form.values;
    if (choice === 'theirs') {
      const theirs = valuesFromDraft(conflict.application.values);
      for (const { field } of state.conflict) values = { ...values, [field]: theirs[field] };
    }
    this.set({
      status: 'editing',
      form: { ...state.form, application: conflict.application, values, fieldErrors: {} },
    });
    this.#accepted(conflict.application, conflict.etag);
    if (choice === 'theirs') return this.getState();
    const own = conflict.action.kind === 'move' ? state.form.step : undefined;
    const steps = [...new Set(state.conflict.map((c) => c.step))].filter((s) => s !== own);
    return this.#keep({ kind: 'keep', steps, then: conflict.action });
  }

  /** Repeats the last failed action; a save goes again under the same idempotency key. */
  retry(): Promise<OnboardingState> {
    const action = this.#lastFailed;
    return action ? this.#perform(action) : this.#now();
  }

  #perform(action: Action): Promise<OnboardingState> {
    switch (action.kind) {
      case 'start':
        return this.start();
      case 'move':
        return this.#move(action);
      case 'submit':
        return this.submit();
      case 'keep':
        return this.#keep(action);
    }
  }

  async #move(action: Move): Promise<OnboardingState> {
    const form = this.#idle();
    if (!form) return this.getState();
    const step = form.step;
    const values = normalise(form.values);
    const errors = validateStep(step, values, form);
    if (action.complete && count(errors) > 0) {
      this.set({
        status: 'editing',
        form: { ...form, values, fieldErrors: errors, summary: true },
      });
      return this.getState();
    }
    const body = stepDraft(
      step,
      values,
      action.complete ? undefined : draftable(step, values, errors),
    );
    const fieldErrors = action.report ? filledErrors(step, values, errors) : {};
    const moved = { ...form, values, fieldErrors, summary: false };
    if (holds(form.application.values[step], body) && form.application.current_step === action.to) {
      // The server has all of it: move without a request.
      this.#succeeded();
      this.set({ status: 'editing', form: { ...moved, step: action.to } });
      return this.getState();
    }
    const run = this.begin();
    this.set({ status: 'saving', form: moved });
    try {
      await this.#patch({ step, values: body, current_step: action.to });
      if (!this.isCurrent(run)) return this.getState();
      this.#succeeded();
      // The form as it is now: what was typed while saving is kept.
      this.set({ status: 'editing', form: { ...this.#form()!, step: action.to } });
    } catch (caught) {
      if (this.isCurrent(run)) await this.#failed(action, caught, run);
    }
    return this.getState();
  }

  async #keep(action: Keep): Promise<OnboardingState> {
    const form = this.#idle();
    if (!form) return this.getState();
    const run = this.begin();
    this.set({ status: 'saving', form });
    try {
      const values = normalise(form.values);
      for (const step of action.steps) {
        const body = stepDraft(
          step,
          values,
          draftable(step, values, validateStep(step, values, form)),
        );
        if (holds(this.#form()!.application.values[step], body)) continue;
        await this.#patch({ step, values: body });
        if (!this.isCurrent(run)) return this.getState();
      }
    } catch (caught) {
      if (this.isCurrent(run)) await this.#failed(action, caught, run);
      return this.getState();
    }
    this.set({ status: 'editing', form: this.#form()! });
    return this.#perform(action.then);
  }

  async #patch(patch: OnboardingPatch): Promise<OnboardingApplication> {
    const path = this.#path(this.#form()!.application.id);
    this.#saving = patch.step;
    const { data, etag } = await this.api.patch(path, patch, OnboardingApplication, {
      idempotencyKey: this.#key('PATCH', path, patch),
      ...(this.#etag ? { ifMatch: this.#etag } : {}),
      ...this.signal(),
    });
    this.#accepted(data, etag);
    return data;
  }

  /** The core API's answer is the new truth: its version for the next `If-Match`, and the form's copy. */
  #accepted(application: OnboardingApplication, etag: string | undefined): void {
    this.#etag = etag ?? versionEtag(application.version);
    this.#keys.clear();
    const state = this.getState();
    if (state.form) this.set({ ...state, form: { ...state.form, application } });
  }

  #succeeded(): void {
    this.#lastFailed = undefined;
    this.#conflictRetries = 0;
  }

  async #failed(action: Exclude<Action, { kind: 'start' }>, caught: unknown, run: number) {
    const error = this.toError(caught);
    const form = this.#form()!;
    switch (error.code) {
      case 'version_conflict':
        return this.#conflicted(action.kind === 'keep' ? action.then : action, error, run);
      case 'validation_failed':
      case 'onboarding_incomplete': {
        const fieldErrors = this.#serverFieldErrors(error, form.values);
        if (count(fieldErrors) === 0) break;
        this.#lastFailed = undefined;
        this.set({ status: 'editing', form: { ...form, fieldErrors, summary: true } });
        return;
      }
      case 'onboarding_submitted': {
        // Submitted meanwhile (another tab): show it as it is.
        const fresh = await this.#get().catch(() => undefined);
        if (!this.isCurrent(run) || !fresh) break;
        this.#accepted(fresh.data, fresh.etag);
        this.#lastFailed = undefined;
        this.set({ status: 'submitted', form: { ...this.#form()!, step: 'review' } });
        return;
      }
      case 'insufficient_scope':
        this.#lastFailed = undefined;
        this.set({ status: 'forbidden', error, form });
        this.emitError(error);
        return;
    }
    this.#lastFailed = action;
    this.set({ status: 'error', error, form: this.#form()! });
    this.emitError(error);
  }

  /**
   * A 412: someone saved this application since this form read it. Each field is compared three
   * ways (what this form last saw, theirs, mine): when theirs differs from neither, nothing is at
   * stake (often this form's own save whose answer was lost) and the action continues on the new
   * version; otherwise the customer sees the fields and chooses.
   */
  async #conflicted(action: Move | Submit, error: WidgetError, run: number): Promise<void> {
    let fresh: { data: OnboardingApplication; etag: string | undefined };
    try {
      fresh = await this.#get();
    } catch (caught) {
      if (!this.isCurrent(run)) return;
      const failure = this.toError(caught);
      this.#lastFailed = action;
      this.set({ status: 'error', error: failure, form: this.#form()! });
      this.emitError(failure);
      return;
    }
    if (!this.isCurrent(run)) return;
    const form = this.#form()!;
    if (fresh.data.status === 'submitted') {
      this.#accepted(fresh.data, fresh.etag);
      this.set({ status: 'submitted', form: { ...this.#form()!, step: 'review' } });
      return;
    }
    const base = valuesFromDraft(form.application.values);
    const theirs = valuesFromDraft(fresh.data.values);
    const conflict = FIELDS.filter(
      (field) => differs(theirs, base, field) && differs(theirs, form.values, field),
    ).map((field) => ({
      field,
      step: stepOf(field),
      theirs: theirs[field],
      mine: form.values[field],
    }));
    if (conflict.length === 0 && this.#conflictRetries < SILENT_CONFLICT_RETRIES) {
      this.#conflictRetries += 1;
      this.#accepted(fresh.data, fresh.etag);
      this.set({ status: 'editing', form: this.#form()! });
      await this.#perform(action);
      return;
    }
    this.#lastFailed = undefined;
    this.#conflict = {
      application: fresh.data,
      etag: fresh.etag ?? versionEtag(fresh.data.version),
      action,
    };
    this.set({ status: 'conflict', form, conflict });
    this.emitError(error);
  }

  /** The API's field issues (`values.tax_id` of the step saved, or `company.tax_id` on submit). */
  #serverFieldErrors(error: WidgetError, values: OnboardingValues): FieldErrors {
    return fieldErrorsOf(
      fieldIssues(error),
      (path) => fieldAt(path.replace(/^values\./, `${this.#saving ?? ''}.`)),
      (field, issue) => fieldErrorFor(field, String(issue.code), values),
    );
  }

  #get() {
    return this.api.get(
      this.#path(this.#form()!.application.id),
      OnboardingApplication,
      this.signal(),
    );
  }

  /** The state's form when an action may start from it: at rest, or after a failure. */
  #idle(): OnboardingForm | undefined {
    const state = this.getState();
    if (state.status === 'editing') return state.form;
    return state.status === 'error' ? state.form : undefined;
  }

  #form(): OnboardingForm | undefined {
    return this.getState().form;
  }

  #now(): Promise<OnboardingState> {
    return Promise.resolve(this.getState());
  }

  #fail(action: Action, caught: unknown): OnboardingState {
    const error = this.toError(caught);
    this.#lastFailed = action;
    this.set(
      error.code === 'insufficient_scope'
        ? { status: 'forbidden', error }
        : { status: 'error', error },
    );
    this.emitError(error);
    return this.getState();
  }

  /** The same request again gets the same key: the server then does it once, however often it is sent. */
  #key(method: string, path: string, body: unknown): string {
    const fingerprint = `${method} ${path} ${this.#etag ?? ''} ${JSON.stringify(body) ?? ''}`;
    let key = this.#keys.get(fingerprint);
    if (!key) {
      key = crypto.randomUUID();
      this.#keys.set(fingerprint, key);
    }
    return key;
  }

  #path(id: string): string {
    return `v1/onboarding/${encodeURIComponent(id)}`;
  }

  /** A move to another step is a change too, though the status stays `editing`. */
  protected override changeOf(
    next: OnboardingState,
    previous: OnboardingState,
  ): OnboardingChangeDetail | undefined {
    const step = next.form?.step;
    return next.status !== previous.status || step !== previous.form?.step
      ? { status: next.status, previous: previous.status, step }
      : undefined;
  }
}
