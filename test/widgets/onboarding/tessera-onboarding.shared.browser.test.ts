import '../../../widgets/onboarding/define.ts';
import type { TesseraOnboarding } from '../../../widgets/onboarding/tessera-onboarding.ts';
import { runWidgetSuite } from '../../support/browser/widget-suite.ts';

// The demo's application was left at the contact step, with the company step complete. It is
// named with application-id, so loading is a GET the suite can hold: without it the widget starts
// with POST /v1/onboarding, and its reference data GETs may come from the browser's HTTP cache
// (the core API sends them with max-age=3600). tessera-onboarding.test.ts covers the POST path.
runWidgetSuite<TesseraOnboarding>({
  tag: 'tessera-onboarding',
  setup: (demo) => ({ 'application-id': demo.onboardingId }),
  scopes: ['onboarding:read', 'onboarding:write'],
  parts: [
    'base',
    'steps',
    'step',
    'current-step',
    'complete-step',
    'field',
    'label',
    'hint',
    'actions',
    'primary-button',
  ],
  documentedParts: ['error', 'error-summary', 'conflict', 'review'],
  readyStatus: 'editing',
  germanText: 'Schritt 2 von 4: Ansprechperson',
});
