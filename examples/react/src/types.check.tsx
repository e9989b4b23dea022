// Not part of the app (nothing imports it): the build's `tsc -p .` compiles it, so the tags'
// types must accept what the widgets take and refuse what they do not. An unused
// `@ts-expect-error` fails the build as surely as an error does.
import type {} from '@tessera/widgets/react';

export const accepted = (
  <tessera-provider
    configuration={{ apiBase: 'https://api.example', tokenUrl: '/token' }}
    appearance="dark"
  >
    <tessera-quote
      quoteId="qt_1"
      locale="de"
      unstyled
      className="checkout"
      ontessera-ready={(event) => console.info(event.detail.status)}
      ontessera-success={(event) => console.info(event.detail.quote.number)}
      ontessera-error={(event) => console.warn(event.detail.code, event.detail.retryable)}
    />
    <tessera-onboarding ontessera-success={(event) => console.info(event.detail.applicationId)} />
    <tessera-account accountId="acct_1" />
  </tessera-provider>
);

// @ts-expect-error: quoteId is a string
export const wrongType = <tessera-quote quoteId={42} />;
// @ts-expect-error: appearance is 'light' or 'dark'
export const wrongAppearance = <tessera-quote appearance="blue" />;
// @ts-expect-error: a quote has no applicationId
export const wrongProperty = <tessera-quote applicationId="onb_1" />;
export const wrongDetail = (
  // @ts-expect-error: the quote's success detail has no applicationId
  <tessera-quote ontessera-success={(event) => event.detail.applicationId} />
);
// @ts-expect-error: apiBase is a string
export const wrongConfiguration = <tessera-provider configuration={{ apiBase: 1 }} />;
