import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionId, sessionIdFor } from '../../../widgets/core/session.ts';

describe('widget session id', () => {
  it('is ws_ and 22 base64url characters, fresh each time', () => {
    const a = createSessionId();
    assert.match(a, /^ws_[A-Za-z0-9_-]{22}$/);
    assert.notEqual(a, createSessionId());
  });

  it('is one per configuration: the same object gives the same id, another a new one', () => {
    const config = {};
    assert.equal(sessionIdFor(config), sessionIdFor(config));
    assert.notEqual(sessionIdFor(config), sessionIdFor({}));
  });
});
