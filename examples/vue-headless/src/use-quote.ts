import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import {
  QuoteController,
  type ApiClient,
  type QuoteEvent,
  type QuoteState,
} from '@tessera/widgets/headless';

/** What `<tessera-quote>`'s `tessera-success` carries, as the controller reports it. */
export type QuoteSuccessDetail = Extract<QuoteEvent, { type: 'success' }>['detail'];

/**
 * A quote controller for the component's scope. The state is replaced, never mutated, so a
 * shallow ref is enough; `success` is the detail of the controller's `success` event.
 */
export function useQuote(api: ApiClient, quoteId: string) {
  const success: ShallowRef<QuoteSuccessDetail | undefined> = shallowRef();
  const controller = new QuoteController({
    api,
    quoteId,
    onEvent: (event) => {
      if (event.type === 'success') success.value = event.detail;
    },
  });
  const state: ShallowRef<QuoteState> = shallowRef(controller.getState());
  const unsubscribe = controller.subscribe((next) => {
    state.value = next;
  });
  void controller.load();
  onScopeDispose(() => {
    unsubscribe();
    controller.dispose();
  });
  return { state, controller, success };
}
