import '../../../widgets/account/define.ts';
import type { TesseraAccount } from '../../../widgets/account/tessera-account.ts';
import { runWidgetSuite } from '../../support/browser/widget-suite.ts';

runWidgetSuite<TesseraAccount>({
  tag: 'tessera-account',
  setup: (demo) => ({ 'account-id': demo.accountId }),
  scopes: ['account:read', 'account:write'],
  parts: ['base', 'header', 'details', 'actions', 'primary-button'],
  documentedParts: [
    'success',
    'field',
    'label',
    'hint',
    'error',
    'danger-button',
    'confirm',
    'conflict',
    'conflict-field',
  ],
  readyStatus: 'viewing',
  germanText: 'Daten bearbeiten',
  formatted(el, locale) {
    if (el.state.status !== 'viewing') return [];
    // The billing country by its name in the customer's language: "Deutschland".
    const names = new Intl.DisplayNames([locale], { type: 'region' });
    return [names.of(el.state.account.billing_address.country) ?? ''];
  },
});
