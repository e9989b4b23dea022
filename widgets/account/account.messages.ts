import { Messages } from '../core/i18n.ts';
import { commonEn, withCommon, type CommonId } from '../core/locales/index.ts';
import { account as en, type AccountMessageId } from './locales/en.ts';

export type MessageId = AccountMessageId | CommonId;

/** `<tessera-account>`'s strings: English built in, German, French and Spanish loaded on first use. */
export const messages = new Messages<MessageId>(
  { ...commonEn, ...en },
  withCommon<AccountMessageId>({
    de: () => import('./locales/de.ts').then((m) => m.account),
    fr: () => import('./locales/fr.ts').then((m) => m.account),
    es: () => import('./locales/es.ts').then((m) => m.account),
  }),
);
