import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiClient } from '../../../widgets/core/api-client.ts';
import { WidgetError } from '../../../widgets/core/errors.ts';
import type { ControllerEvent } from '../../../widgets/core/events.ts';
import { fieldErrorsOf, fieldIssues } from '../../../widgets/core/field-issues.ts';
import { HeadlessController } from '../../../widgets/core/headless-controller.ts';

type State = { status: 'idle' | 'loading' | 'done'; value?: string };

/** An answer the test hands out when it chooses, so runs can finish out of order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function api(scopes: () => Promise<readonly string[] | undefined>): ApiClient {
  return { sessionId: 'ws_test', scopes } as unknown as ApiClient;
}

/** A controller whose one action loads a value through `fetchValue`, as the widgets' loads do. */
class Loader extends HeadlessController<State> {
  readonly signals: AbortSignal[] = [];
  constructor(
    readonly fetchValue: (signal: AbortSignal) => Promise<string>,
    onEvent?: (event: ControllerEvent) => void,
    scopes: () => Promise<readonly string[] | undefined> = () => Promise.resolve(undefined),
  ) {
    super(api(scopes), { status: 'idle' }, onEvent);
  }

  async load(): Promise<State> {
    const call = this.begin();
    const { signal } = this.signal() as { signal: AbortSignal };
    this.signals.push(signal);
    this.set({ status: 'loading' });
    try {
      const value = await this.fetchValue(signal);
      if (this.isCurrent(call)) this.set({ status: 'done', value });
    } catch (caught) {
      if (this.isCurrent(call)) this.emitError(this.toError(caught));
    }
    return this.getState();
  }

  mayWrite(): Promise<boolean> {
    return this.grants('thing:write');
  }
}

describe('HeadlessController', () => {
  it('gives each run a fresh AbortSignal and aborts the run before it', () => {
    const answers = [deferred<string>(), deferred<string>()];
    let n = 0;
    const loader = new Loader(() => answers[n++]!.promise);
    void loader.load();
    void loader.load();
    const [first, second] = loader.signals;
    assert.notEqual(first, second);
    assert.equal(first!.aborted, true);
    assert.equal(second!.aborted, false);
    answers[1]!.resolve('second');
    answers[0]!.resolve('first');
  });

  it('never lets an older, slower answer overwrite the newer state', async () => {
    const answers = [deferred<string>(), deferred<string>()];
    let n = 0;
    const loader = new Loader(() => answers[n++]!.promise);
    const older = loader.load();
    const newer = loader.load();
    answers[1]!.resolve('newer');
    await newer;
    answers[0]!.resolve('older');
    await older;
    assert.deepEqual(loader.getState(), { status: 'done', value: 'newer' });
  });

  it('after dispose, an answer in flight changes nothing and its signal is aborted', async () => {
    const answer = deferred<string>();
    const loader = new Loader(() => answer.promise);
    const seen: string[] = [];
    loader.subscribe((state) => seen.push(state.status));
    const loading = loader.load();
    loader.dispose();
    assert.equal(loader.signals[0]!.aborted, true);
    answer.resolve('late');
    await loading;
    assert.deepEqual(seen, ['loading']);
    assert.equal(loader.getState().status, 'loading');
  });

  it('reports a change of status once, with the previous status, and errors with the session id', async () => {
    const events: ControllerEvent[] = [];
    const loader = new Loader(
      () => Promise.reject(new WidgetError('network_error')),
      (event) => events.push(event),
    );
    await loader.load();
    assert.deepEqual(events[0], {
      type: 'change',
      detail: { status: 'loading', previous: 'idle' },
    });
    assert.equal(events.length, 2);
    assert.equal(events[1]!.type, 'error');
    assert.deepEqual(
      events[1]!.type === 'error' && {
        code: events[1]!.detail.code,
        sessionId: events[1]!.detail.sessionId,
      },
      { code: 'network_error', sessionId: 'ws_test' },
    );
  });

  it('grants a scope the token has, refuses one it lacks, and gives a token that says nothing the benefit', async () => {
    const check = (scopes: () => Promise<readonly string[] | undefined>) =>
      new Loader(() => Promise.resolve(''), undefined, scopes).mayWrite();
    assert.equal(await check(() => Promise.resolve(['thing:read', 'thing:write'])), true);
    assert.equal(await check(() => Promise.resolve(['thing:read'])), false);
    assert.equal(await check(() => Promise.resolve(undefined)), true);
    assert.equal(await check(() => Promise.reject(new Error('no token'))), true);
  });
});

describe('field issues', () => {
  it('maps the API envelope’s field issues to the widget’s fields, the first per field winning', () => {
    const error = new WidgetError('validation_failed', 'invalid', {
      details: {
        fields: [
          { path: 'signer_email', code: 'invalid_format', message: 'Not an email.' },
          { path: 'signer_email', code: 'too_big', message: 'Too long.' },
          { path: 'unknown', code: 'custom', message: 'Ignored.' },
          { code: 'custom', message: 'No path: ignored.' },
        ],
      },
    });
    const issues = fieldIssues(error);
    assert.equal(issues.length, 4);
    const errors = fieldErrorsOf(
      issues,
      (path) => (path === 'signer_email' ? 'signerEmail' : undefined),
      (_field, issue) => issue.code,
    );
    assert.deepEqual(errors, { signerEmail: 'invalid_format' });
  });

  it('finds none in an error without field issues', () => {
    assert.deepEqual(fieldIssues(new WidgetError('network_error')), []);
  });
});
