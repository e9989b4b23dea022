/**
 * `tessera/onboarding`: `<tessera-onboarding>` alone, registered on import (with
 * `<tessera-provider>`). Import `./tessera-onboarding.ts` instead to register the class under a
 * name of your own.
 */
import './define.ts';

export { TesseraOnboarding } from './tessera-onboarding.ts';
export type {
  OnboardingChangeDetail,
  OnboardingReadyDetail,
  OnboardingSuccessDetail,
} from './onboarding.events.ts';
export * from '../runtime.ts';
