import { Messages } from '../core/i18n.ts';
import { commonEn, withCommon, type CommonId } from '../core/locales/index.ts';
import { onboarding as en, type OnboardingMessageId } from './locales/en.ts';

export type MessageId = OnboardingMessageId | CommonId;

/** `<tessera-onboarding>`'s strings: English built in, German, French and Spanish loaded on first use. */
export const messages = new Messages<MessageId>(
  { ...commonEn, ...en },
  withCommon<OnboardingMessageId>({
    de: () => import('./locales/de.ts').then((m) => m.onboarding),
    fr: () => import('./locales/fr.ts').then((m) => m.onboarding),
    es: () => import('./locales/es.ts').then((m) => m.onboarding),
  }),
);
