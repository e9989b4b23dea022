import type { OnboardingApplication, OnboardingStep } from '../../contracts/v1/onboarding.ts';
import type { OnboardingStatus } from './onboarding.controller.ts';

/** `tessera-ready` from `<tessera-onboarding>`: the application as started or resumed. */
export interface OnboardingReadyDetail {
  widget: 'onboarding';
  status: OnboardingStatus;
  /** The step the customer resumes at. */
  step: OnboardingStep | undefined;
  /** Undefined only when the token may not start an application (`status: 'forbidden'`). */
  application: OnboardingApplication | undefined;
}

/** `tessera-success` from `<tessera-onboarding>`: the application was submitted. */
export interface OnboardingSuccessDetail {
  widget: 'onboarding';
  action: 'submit';
  /** The submitted application's id, `onb_…`: what your backend looks up or waits an event for. */
  applicationId: string;
  application: OnboardingApplication;
  /**
   * The id of the event this action wrote, \`evt_…\`: the \`webhook-id\` your backend's webhook
   * receives and the \`id\` in the event feed, so the page's view and the backend's join on it.
   * Null only when the core API named none.
   */
  event_id: string | null;
}

/** `tessera-change` from `<tessera-onboarding>`: the status or the step changed. */
export interface OnboardingChangeDetail {
  status: OnboardingStatus;
  previous: OnboardingStatus;
  step: OnboardingStep | undefined;
}

declare module '../core/events.ts' {
  interface TesseraReadyDetails {
    onboarding: OnboardingReadyDetail;
  }
  interface TesseraSuccessDetails {
    onboarding: OnboardingSuccessDetail;
  }
}
