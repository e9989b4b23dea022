import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
// Registers <tessera-quote>.
import '@tessera/widgets/quote';
import type { QuoteSuccessDetail, TesseraSuccessEvent } from '@tessera/widgets/quote';

// The quote id, the core API and the partner backend's token endpoint come from the query here
// (?quote=qt_…&api=https://…&token=/token…); a real app has them from its own server.
const query = new URLSearchParams(location.search);

@Component({
  selector: 'app-checkout',
  // Lets the template use tags Angular does not know (and bind their properties, unchecked).
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>Your quote</h1>
      <tessera-quote
        [quoteId]="quoteId"
        [apiBase]="apiBase"
        [tokenUrl]="tokenUrl"
        (tessera-success)="onSuccess($event)"
      ></tessera-quote>
      <p role="status" id="outcome">
        @if (outcome(); as detail) {
          tessera-success: {{ detail.action }} {{ detail.quote.number }} ({{ detail.quote.status }})
        }
      </p>
    </main>
  `,
})
export class CheckoutComponent {
  readonly quoteId = query.get('quote') ?? '';
  readonly apiBase = query.get('api') ?? '';
  readonly tokenUrl = query.get('token') ?? '';
  readonly outcome = signal<QuoteSuccessDetail | undefined>(undefined);

  onSuccess(event: Event) {
    this.outcome.set((event as TesseraSuccessEvent<QuoteSuccessDetail>).detail);
  }
}
