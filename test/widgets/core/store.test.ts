import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../../../widgets/core/store.ts';

describe('Store', () => {
  it('notifies subscribers synchronously with the new state', () => {
    const store = new Store({ n: 0 });
    const seen: number[] = [];
    store.subscribe((state) => seen.push(state.n));
    store.setState({ n: 1 });
    assert.deepEqual(seen, [1]);
    assert.deepEqual(store.getState(), { n: 1 });
  });

  it('does not notify for the identical state object', () => {
    const state = { n: 0 };
    const store = new Store(state);
    let calls = 0;
    store.subscribe(() => (calls += 1));
    store.setState(state);
    assert.equal(calls, 0);
  });

  it('stops notifying after unsubscribe, and works unbound (useSyncExternalStore)', () => {
    const store = new Store(0);
    const { subscribe, getState } = store;
    let calls = 0;
    const unsubscribe = subscribe(() => (calls += 1));
    store.setState(1);
    unsubscribe();
    store.setState(2);
    assert.equal(calls, 1);
    assert.equal(getState(), 2);
  });
});
