import { TesseraProvider } from './provider.ts';

if (!customElements.get('tessera-provider'))
  customElements.define('tessera-provider', TesseraProvider);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-provider': TesseraProvider;
  }
}
