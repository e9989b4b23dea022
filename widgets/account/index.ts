/**
 * `tessera/account`: `<tessera-account>` alone, registered on import (with `<tessera-provider>`).
 * Import `./tessera-account.ts` instead to register the class under a name of your own.
 */
import './define.ts';

export { TesseraAccount } from './tessera-account.ts';
export type { AccountReadyDetail, AccountSuccessDetail } from './account.events.ts';
export * from '../runtime.ts';
