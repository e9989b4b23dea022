import '../core/define.ts';
import { TesseraQuote } from './tessera-quote.ts';

if (!customElements.get('tessera-quote')) customElements.define('tessera-quote', TesseraQuote);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-quote': TesseraQuote;
  }
}
