/**
 * The fuzz mutations themselves: fast-check reuses generated values while it shrinks, so applying
 * a mutation must never change the values the mutation carries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mutate, type Mutation } from './support/arbitraries.ts';

describe('fuzz body mutations', () => {
  it('a mutated body never changes the values its mutations insert', () => {
    const inserted = { keep: true };
    const pollution = { __x: { polluted: true } };
    const changes: Mutation[] = [
      { kind: 'set', path: ['values'], value: inserted },
      { kind: 'add', path: ['values'], key: 'extra', value: 1 },
      { kind: 'pollute', path: [], with: pollution },
      { kind: 'add', path: ['__x'], key: 'more', value: 2 },
    ];
    const expected = {
      values: { keep: true, extra: 1 },
      __x: { polluted: true, more: 2 },
    };
    assert.deepEqual(mutate({ values: 'x' }, changes), expected);
    assert.deepEqual(inserted, { keep: true });
    assert.deepEqual(pollution, { __x: { polluted: true } });
    assert.deepEqual(mutate({ values: 'x' }, changes), expected);
  });

  it('keeps own __proto__ keys and -0 in what it inserts', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"n":-0}') as unknown;
    const body = mutate({ a: 1 }, [{ kind: 'set', path: ['a'], value }]) as { a: object };
    assert.equal(Object.hasOwn(body.a, '__proto__'), true);
    assert.equal(Object.getPrototypeOf(body.a), Object.prototype);
    assert.ok(Object.is((body.a as { n: number }).n, -0));
  });
});
