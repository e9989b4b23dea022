/**
 * What every browser entry exports besides its elements: `configure()`, `<tessera-provider>`'s
 * class, the typed events and the configuration types.
 */
export { TesseraProvider } from './core/provider.ts';
export {
  configure,
  type Appearance,
  type TesseraConfiguration,
  type TesseraEventLike,
} from './core/configure.ts';
export {
  TesseraChangeEvent,
  TesseraErrorEvent,
  TesseraReadyEvent,
  TesseraSuccessEvent,
  type TesseraChangeDetail,
  type TesseraErrorDetail,
  type TesseraEvent,
  type TesseraReadyDetail,
  type TesseraSuccessDetail,
} from './core/events.ts';
export type {
  FetchToken,
  FetchTokenRequest,
  FetchTokenResult,
  InitialToken,
} from './core/token-manager.ts';
