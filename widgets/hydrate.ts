/**
 * `@tessera/widgets/hydrate`: import before the widgets on a page the server rendered them into
 * (`@tessera/widgets/ssr`), so each widget takes over its declarative shadow root as it is —
 * no second render, no flash — instead of rendering afresh. Pages without server-rendered
 * widgets need not load it.
 */
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import { LitElement } from 'lit';

declare global {
  var litElementHydrateSupport: ((options: { LitElement: typeof LitElement }) => void) | undefined;
}

// Lit patches itself with the support when it loads after it. A bundle whose shared chunk ran
// Lit first (the widgets' ESM entries share one) is patched here, still before any widget is
// defined; the support's own `observedAttributes` on LitElement says whether it already is.
if (!Object.hasOwn(LitElement, 'observedAttributes')) {
  globalThis.litElementHydrateSupport?.({ LitElement });
}
