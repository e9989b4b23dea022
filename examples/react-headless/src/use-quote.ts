import { useEffect, useState, useSyncExternalStore } from 'react';
import { QuoteController, type ApiClient, type QuoteEvent } from '@tessera/widgets/headless';

/** What `<tessera-quote>`'s `tessera-success` carries, as the controller reports it. */
type QuoteSuccessDetail = Extract<QuoteEvent, { type: 'success' }>['detail'];

/**
 * A quote controller for the component's life: its state through `useSyncExternalStore`
 * (`subscribe` and `getState` are bound, so they pass as they are), and the detail of its
 * `success` event, the same one `<tessera-quote>` dispatches as `tessera-success`.
 */
export function useQuote(api: ApiClient, quoteId: string) {
  const [success, setSuccess] = useState<QuoteSuccessDetail>();
  // A controller per effect run, so StrictMode's mount, unmount, mount starts over cleanly.
  const [controller, setController] = useState<QuoteController>();
  useEffect(() => {
    const onEvent = (event: QuoteEvent) => {
      if (event.type === 'success') setSuccess(event.detail);
    };
    const next = new QuoteController({ api, quoteId, onEvent });
    setController(next);
    void next.load();
    return () => next.dispose();
  }, [api, quoteId]);
  const state = useSyncExternalStore(
    controller?.subscribe ?? noSubscription,
    controller?.getState ?? loading,
  );
  return { state, controller, success };
}

const LOADING = { status: 'loading' } as const;
const loading = () => LOADING;
const noSubscription = () => () => {};
