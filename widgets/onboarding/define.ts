import '../core/define.ts';
import { TesseraOnboarding } from './tessera-onboarding.ts';

if (!customElements.get('tessera-onboarding'))
  customElements.define('tessera-onboarding', TesseraOnboarding);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-onboarding': TesseraOnboarding;
  }
}
