/**
 * What a framework's template may do with each `tessera-*` tag, taken from the element classes
 * themselves: the element, the names of the properties a template may set (their types are the
 * classes' own, so a change there reaches every framework's types), and the event each
 * `tessera-*` name carries with the widget's own `detail`. `react.ts` and `vue.ts` map this one
 * table into React's `JSX.IntrinsicElements` and Vue's `GlobalComponents`.
 */
import type { TesseraAccount } from '../account/tessera-account.ts';
import type { AccountStatus } from '../account/account.controller.ts';
import type { AccountReadyDetail, AccountSuccessDetail } from '../account/account.events.ts';
import type { TesseraProvider } from '../core/provider.ts';
import type {
  TesseraChangeDetail,
  TesseraChangeEvent,
  TesseraErrorEvent,
  TesseraReadyEvent,
  TesseraSuccessEvent,
} from '../core/events.ts';
import type {
  OnboardingChangeDetail,
  OnboardingReadyDetail,
  OnboardingSuccessDetail,
} from '../onboarding/onboarding.events.ts';
import type { TesseraOnboarding } from '../onboarding/tessera-onboarding.ts';
import type { QuoteStatus } from '../quote/quote.controller.ts';
import type { QuoteReadyDetail, QuoteSuccessDetail } from '../quote/quote.events.ts';
import type { TesseraQuote } from '../quote/tessera-quote.ts';

/** The properties every widget has (and `<tessera-provider>` too, but for `unstyled`). */
type WidgetProperty = 'apiBase' | 'tokenUrl' | 'locale' | 'appearance' | 'unstyled';

/** The four events of a widget, by DOM event name, with that widget's details. */
export interface WidgetEvents<Ready, Change, Success> {
  'tessera-ready': TesseraReadyEvent<Ready>;
  'tessera-change': TesseraChangeEvent<Change>;
  'tessera-success': TesseraSuccessEvent<Success>;
  'tessera-error': TesseraErrorEvent;
}

export interface TesseraElementTypes {
  'tessera-quote': {
    element: TesseraQuote;
    properties: WidgetProperty | 'quoteId';
    events: WidgetEvents<QuoteReadyDetail, TesseraChangeDetail<QuoteStatus>, QuoteSuccessDetail>;
  };
  'tessera-onboarding': {
    element: TesseraOnboarding;
    properties: WidgetProperty | 'applicationId';
    events: WidgetEvents<OnboardingReadyDetail, OnboardingChangeDetail, OnboardingSuccessDetail>;
  };
  'tessera-account': {
    element: TesseraAccount;
    properties: WidgetProperty | 'accountId';
    events: WidgetEvents<
      AccountReadyDetail,
      TesseraChangeDetail<AccountStatus>,
      AccountSuccessDetail
    >;
  };
  /** Events of the widgets inside bubble through it, so it takes their listeners too. */
  'tessera-provider': {
    element: TesseraProvider;
    properties: Exclude<WidgetProperty, 'unstyled'> | 'configuration';
    events: WidgetEvents<
      QuoteReadyDetail | OnboardingReadyDetail | AccountReadyDetail,
      TesseraChangeDetail | OnboardingChangeDetail,
      QuoteSuccessDetail | OnboardingSuccessDetail | AccountSuccessDetail
    >;
  };
}

export type TesseraTag = keyof TesseraElementTypes;

type ElementOf<Tag extends TesseraTag> = TesseraElementTypes[Tag]['element'];

/** The settable properties of a tag, all optional, with the element class's own types. */
export type TesseraProperties<Tag extends TesseraTag> = Partial<
  Pick<ElementOf<Tag>, Extract<TesseraElementTypes[Tag]['properties'], keyof ElementOf<Tag>>>
>;

/** Compiles only while every property named above is one of its element's (no typo, no rename). */
type OnlyNever<T extends never> = T;
export type UnknownProperties = OnlyNever<
  {
    [Tag in TesseraTag]: Exclude<TesseraElementTypes[Tag]['properties'], keyof ElementOf<Tag>>;
  }[TesseraTag]
>;
