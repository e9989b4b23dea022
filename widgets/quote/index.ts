/**
 * `tessera/quote`: `<tessera-quote>` alone, registered on import (with `<tessera-provider>`).
 * Import `./tessera-quote.ts` instead to register the class under a name of your own.
 */
import './define.ts';

export { TesseraQuote } from './tessera-quote.ts';
export type { QuoteReadyDetail, QuoteSuccessDetail } from './quote.events.ts';
export * from '../runtime.ts';
