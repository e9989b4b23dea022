/**
 * What an attacker sends: hostile strings, JSON with prototype keys and deep nesting, valid bodies
 * with one thing broken, bytes that are not UTF-8, header values that try to split a response.
 */
import fc from 'fast-check';

/** A key no code of ours uses: if it ever shows up on `Object.prototype`, a body polluted it. */
export const POLLUTION_MARKER = 'tesseraPolluted';
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Markup and template syntax a renderer might execute; the XSS test uses the same strings. */
export const MARKUP = [
  '<script>globalThis.tesseraXss=1</script>',
  '<img src=x onerror="globalThis.tesseraXss=1">',
  '"><svg onload=globalThis.tesseraXss=1>',
  'javascript:globalThis.tesseraXss=1',
  '{{constructor.constructor("globalThis.tesseraXss=1")()}}',
  '${globalThis.tesseraXss=1}',
  '{number}',
] as const;

const SPECIAL_STRINGS = [
  ...MARKUP,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'a\uDC00b',
  '\uFEFF',
  '\uFEFFname',
  '\u202E',
  '\r\nX-Injected: 1',
  '\n',
  '%00',
  '%',
  '../../../etc/passwd',
  "' OR '1'='1' --",
  "Robert'); DROP TABLE quotes;--",
  '\\',
  '"',
  'NaN',
  'Infinity',
  'null',
  'true',
  '__proto__',
  'constructor',
  'acct_0000000000000000',
  'https://shop.example',
  'quote:read',
] as const;

/** Long strings: around and beyond the 16 KiB body limit, and past every field's maximum. */
export const hugeString = fc
  .tuple(
    fc.constantFrom(201, 256, 1001, 4096, 16_383, 16_385, 40_000),
    fc.constantFrom('a', '€', '😀', '<', '\\', '"', '\u0000', ' '),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  { weight: 1, arbitrary: hugeString },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, POLLUTION_MARKER) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('toString', 'valueOf', 'hasOwnProperty', '', 'then', 'length'),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1, 2 ** 31, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, 5e-324, 0.5),
);

/** A JSON object that sets one of the prototype keys to something that would pollute. */
export const pollutingObject: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(...PROTOTYPE_KEYS)
  .map(
    (key) =>
      JSON.parse(
        key === 'constructor'
          ? `{"constructor":{"prototype":{"${POLLUTION_MARKER}":true}}}`
          : `{"${key}":{"${POLLUTION_MARKER}":true}}`,
      ) as Record<string, unknown>,
  );

/** Any JSON value, built from the hostile pieces; objects own their `__proto__` keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  leaf: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    tie('array'),
    tie('object'),
  ),
  leaf: fc.oneof(
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    pollutingObject as fc.Arbitrary<unknown>,
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 5, noNullPrototype: true }),
})).value;

/** JSON text that nests `depth` levels, as arrays or objects: stack depth attacks in 16 KiB. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 8000 }), fc.constantFrom('array', 'object', 'proto'))
  .map(([depth, kind]) => {
    if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
    const key = kind === 'proto' ? '__proto__' : 'a';
    return `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);
  });

type Json = unknown;

/** Every property of a body at any depth, as paths: `values.legal_name` is `['values', 'legal_name']`. */
export function pathsOf(value: Json, prefix: readonly string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, member]) => [
    [...prefix, key],
    ...pathsOf(member, [...prefix, key]),
  ]);
}

/** A change to a valid body: the valid fields stay, one thing becomes hostile. */
export type Mutation =
  | { kind: 'set'; path: readonly string[]; value: Json }
  | { kind: 'delete'; path: readonly string[] }
  | { kind: 'add'; path: readonly string[]; key: string; value: Json }
  | { kind: 'nest'; path: readonly string[] }
  | { kind: 'wrap'; how: 'array' | 'string' | 'null' | 'number' | 'object' }
  | { kind: 'pollute'; path: readonly string[]; with: Record<string, unknown> };

/** Mutations of a body with these property paths; `add` and `pollute` also reach the top level. */
export function mutation(paths: readonly (readonly string[])[]): fc.Arbitrary<Mutation> {
  const path = fc.constantFrom(...paths, ...(paths.length === 0 ? [['x']] : []));
  const parent = fc.constantFrom([], ...paths);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('set' as const), path, value: hostileJson }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), path }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        path: parent,
        key: hostileKey,
        value: hostileJson,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), path }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('wrap' as const),
        how: fc.constantFrom('array', 'string', 'null', 'number', 'object'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('pollute' as const),
        path: parent,
        with: pollutingObject,
      }),
    },
  );
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** Defines `key` as an own property, so `__proto__` is a key like any other (as JSON.parse makes it). */
function own(object: Record<string, unknown>, key: string, value: Json): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

/** The object at `path` inside `root`, or undefined when something on the way is not one. */
function objectAt(root: Json, path: readonly string[]): Record<string, unknown> | undefined {
  let at: Json = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'object' && at !== null && !Array.isArray(at)
    ? (at as Record<string, unknown>)
    : undefined;
}

/**
 * Applies mutations to a copy of `body`. What a mutation inserts is copied too (structuredClone
 * keeps own `__proto__` keys and -0): fast-check reuses values while shrinking, and a value inserted
 * by reference and then changed by a later mutation would carry that change into the next run.
 */
export function mutate(body: Record<string, unknown>, mutations: readonly Mutation[]): Json {
  let current = clone(body);
  for (const change of mutations) {
    if (change.kind === 'wrap') {
      current = {
        array: [current],
        string: JSON.stringify(current),
        null: null,
        number: 42,
        object: { body: current },
      }[change.how];
      continue;
    }
    const parentPath =
      change.kind === 'add' || change.kind === 'pollute' ? change.path : change.path.slice(0, -1);
    const target = objectAt(current, parentPath);
    if (!target) continue;
    const key = change.kind === 'add' || change.kind === 'pollute' ? '' : change.path.at(-1)!;
    switch (change.kind) {
      case 'set':
        own(target, key, structuredClone(change.value));
        break;
      case 'delete':
        delete target[key];
        break;
      case 'nest':
        own(target, key, { [key]: target[key] });
        break;
      case 'add':
        own(target, change.key, structuredClone(change.value));
        break;
      case 'pollute':
        for (const [name, value] of Object.entries(change.with))
          own(target, name, structuredClone(value));
        break;
    }
  }
  return current;
}

/** Bytes that are not UTF-8: lone continuation, overlong, surrogate, truncated, 0xFF. */
export const invalidUtf8 = fc.constantFrom(
  Buffer.from([0x80]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xfe]),
);

/** How the bytes of a valid JSON body get broken. */
export const byteDamage = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      invalidUtf8,
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
    ),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('prefix' as const),
    bytes: fc.constantFrom(
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xfe, 0xff]),
      Buffer.from([0x00]),
      Buffer.from(' \t\r\n'),
    ),
  }),
  fc.record({
    kind: fc.constant('suffix' as const),
    bytes: fc.constantFrom(
      Buffer.from('garbage'),
      Buffer.from('}'),
      Buffer.from(',{}'),
      Buffer.from([0x00]),
      Buffer.from([0xc3]),
    ),
  }),
  fc.record({ kind: fc.constant('replace' as const), text: deepNesting }),
  fc.record({
    kind: fc.constant('replace' as const),
    text: fc.constantFrom(
      '',
      'null',
      '1e400',
      '-1e400',
      '"\\ud800"',
      '"\\u0000"',
      '{"a":1,"a":2}',
      '{"__proto__":{"__proto__":{"tesseraPolluted":true}}}',
      '[' + '1,'.repeat(4000) + '1]',
      '{"a":' + '9'.repeat(10_000) + '}',
      '"' + '\\u0041'.repeat(2700) + '"',
    ),
  }),
);
export type ByteDamage = typeof byteDamage extends fc.Arbitrary<infer T> ? T : never;

export function damage(text: string, change: ByteDamage): Buffer {
  const bytes = Buffer.from(text);
  switch (change.kind) {
    case 'insert': {
      const at = change.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    }
    case 'truncate':
      return bytes.subarray(0, change.at % Math.max(1, bytes.length));
    case 'prefix':
      return Buffer.concat([change.bytes, bytes]);
    case 'suffix':
      return Buffer.concat([bytes, change.bytes]);
    case 'replace':
      return Buffer.from(change.text);
  }
}

/** A value for a header that carries an id: CR/LF injection, NUL, bytes above 0x7F, huge. */
export const hostileHeaderValue: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      'abc\r\nX-Injected: 1',
      'abc\r\n\r\nHTTP/1.1 200 OK',
      'abc\nX-Injected: 1',
      'abc\rX-Injected: 1',
      'a\u0000b',
      ' leading-and-trailing ',
      '"quoted"',
      'a,b',
      '*',
      'W/"1"',
      '"99999999999999999999"',
      '-1',
      '<script>x</script>',
    )
    .map((value) => Buffer.from(value, 'latin1')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((value) => Buffer.from(value)),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  invalidUtf8.map((bytes) => Buffer.concat([Buffer.from('id-'), bytes])),
  fc
    .constantFrom(129, 256, 1_000, 8_193, 20_000, 70_000)
    .map((length) => Buffer.alloc(length, 0x61)),
);

/** A path segment as sent: raw characters, percent-escapes of any byte, or both. */
export const hostilePathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%00',
    'qt_%00',
    '%ff',
    '%ED%A0%80',
    '%E0%A4%A',
    '%',
    '%zz',
    '..',
    '%2e%2e',
    '%2F',
    '.',
    '~',
    "'",
    '%27%20OR%201=1',
    '%3Cimg%20src=x%20onerror=alert(1)%3E',
    'qt_' + 'a'.repeat(5000),
    '__proto__',
    'constructor',
    'a\\b',
    '%5C',
    'x?y=\\',
  ),
  fc
    .uint8Array({ minLength: 1, maxLength: 24 })
    .map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }).map(encodeURIComponent),
);
