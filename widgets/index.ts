/**
 * `tessera`: every widget, registered on import — `<tessera-quote>`, `<tessera-onboarding>`,
 * `<tessera-account>` and `<tessera-provider>` — with `configure()` and the element classes.
 * Built as `dist/tessera.js` (ESM) and `dist/tessera.iife.js` (the global `Tessera`).
 */
import './quote/define.ts';
import './onboarding/define.ts';
import './account/define.ts';

export { TesseraQuote } from './quote/tessera-quote.ts';
export { TesseraOnboarding } from './onboarding/tessera-onboarding.ts';
export { TesseraAccount } from './account/tessera-account.ts';
export type { QuoteReadyDetail, QuoteSuccessDetail } from './quote/quote.events.ts';
export type {
  OnboardingChangeDetail,
  OnboardingReadyDetail,
  OnboardingSuccessDetail,
} from './onboarding/onboarding.events.ts';
export type { AccountReadyDetail, AccountSuccessDetail } from './account/account.events.ts';
export * from './runtime.ts';
