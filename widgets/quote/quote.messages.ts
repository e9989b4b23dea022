import { Messages } from '../core/i18n.ts';
import { commonEn, withCommon, type CommonId } from '../core/locales/index.ts';
import { quote as en, type QuoteMessageId } from './locales/en.ts';

export type MessageId = QuoteMessageId | CommonId;

/** `<tessera-quote>`'s strings: English built in, German, French and Spanish loaded on first use. */
export const messages = new Messages<MessageId>(
  { ...commonEn, ...en },
  withCommon<QuoteMessageId>({
    de: () => import('./locales/de.ts').then((m) => m.quote),
    fr: () => import('./locales/fr.ts').then((m) => m.quote),
    es: () => import('./locales/es.ts').then((m) => m.quote),
  }),
);
