import '../core/define.ts';
import { TesseraAccount } from './tessera-account.ts';

if (!customElements.get('tessera-account'))
  customElements.define('tessera-account', TesseraAccount);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-account': TesseraAccount;
  }
}
