/** `tessera/headless`: the widgets' state and behaviour without a DOM, for React, Vue or vanilla. */
export {
  QuoteController,
  type AcceptInput,
  type DeclineInput,
  type FieldError,
  type FieldErrors,
  type QuoteControllerOptions,
  type QuoteEvent,
  type QuoteField,
  type QuoteState,
  type QuoteStatus,
} from './quote/quote.controller.ts';
export {
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type ApiResponse,
  type MutationOptions,
  type RequestOptions,
} from './core/api-client.ts';
export {
  TokenManager,
  fetchTokenFromUrl,
  type FetchToken,
  type FetchTokenRequest,
  type FetchTokenResult,
  type InitialToken,
  type TokenManagerOptions,
} from './core/token-manager.ts';
export {
  WidgetError,
  toWidgetError,
  type ErrorContext,
  type WidgetErrorDetail,
} from './core/errors.ts';
export { createSessionId, sessionIdFor } from './core/session.ts';
export { Store, type Listener } from './core/store.ts';
export type { Clock } from './core/clock.ts';
export type { ErrorCode } from '../contracts/v1/errors.ts';
export type { Quote, LineItem } from '../contracts/v1/quote.ts';
export {
  AccountController,
  type AccountControllerOptions,
  type AccountEvent,
  type AccountState,
  type AccountStatus,
} from './account/account.controller.ts';
export {
  ACCOUNT_FIELDS,
  type AccountDraft,
  type AccountField,
  type AccountFieldError,
  type AccountFieldErrors,
  type FieldConflict,
} from './account/account.draft.ts';
export type { AccountReadyDetail, AccountSuccessDetail } from './account/account.events.ts';
export type { Account, AccountUpdate, Address } from '../contracts/v1/account.ts';
export type { Country, Region } from '../contracts/v1/reference.ts';
export {
  OnboardingController,
  type ConflictField,
  type OnboardingControllerOptions,
  type OnboardingEvent,
  type OnboardingForm,
  type OnboardingState,
  type OnboardingStatus,
} from './onboarding/onboarding.controller.ts';
export {
  STEP_FIELDS as ONBOARDING_FIELDS,
  type FieldError as OnboardingFieldError,
  type FieldErrors as OnboardingFieldErrors,
  type OnboardingField,
  type OnboardingValues,
} from './onboarding/onboarding.fields.ts';
export { isValidTaxId, normaliseTaxId, taxIdFormat } from './onboarding/tax-id.ts';
export type {
  OnboardingChangeDetail,
  OnboardingReadyDetail,
  OnboardingSuccessDetail,
} from './onboarding/onboarding.events.ts';
export type { OnboardingApplication, OnboardingStep } from '../contracts/v1/onboarding.ts';
