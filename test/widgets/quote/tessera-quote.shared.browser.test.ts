import '../../../widgets/quote/define.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { runWidgetSuite } from '../../support/browser/widget-suite.ts';

runWidgetSuite<TesseraQuote>({
  tag: 'tessera-quote',
  setup: (demo) => ({ 'quote-id': demo.quotes.open }),
  scopes: ['quote:read', 'quote:accept'],
  parts: [
    'base',
    'header',
    'line-items',
    'line-item',
    'total',
    'field',
    'label',
    'actions',
    'primary-button',
  ],
  documentedParts: ['hint', 'error', 'danger-button'],
  readyStatus: 'ready',
  germanText: 'Angebot annehmen',
  formatted(el, locale) {
    if (el.state.status !== 'ready') return [];
    const { quote } = el.state;
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency: quote.currency });
    const minor = 10 ** (money.resolvedOptions().maximumFractionDigits ?? 2);
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
    // 1.234,56 € in German: the total with its cents, and the validity date spelled out.
    return [money.format(quote.total / minor), date.format(new Date(quote.valid_until))];
  },
});
