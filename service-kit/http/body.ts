import type { Context } from 'hono';
import type * as z from 'zod/mini';
import { TesseraError, checkInput } from '../../contracts/index.ts';

export const MAX_BODY_BYTES = 16 * 1024;
/** Fatal: invalid UTF-8 is a client error (`invalid_json`), not something to guess at. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON body and validates it against a contracts schema. Every way a client can get this
 * wrong ends as a catalogued 4xx naming the field, never an exception escaping as a 500.
 */
export async function readJson<S extends z.ZodMiniType>(
  c: Context,
  schema: S,
): Promise<z.infer<S>> {
  requireJsonType(c.req.header('content-type'));
  return parseJsonBody(await readBodyOrInvalid(() => readBody(c)), schema);
}

/** A body that cannot be read whole (the client went away mid-way) is `invalid_json` too. */
export async function readBodyOrInvalid(read: () => Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    throw new TesseraError('invalid_json', 'The body is not valid UTF-8 JSON.');
  }
}

/** Refuses a body that is not declared as JSON, before any of it is read. */
export function requireJsonType(type: string | undefined): void {
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type ?? '')) {
    throw new TesseraError(
      'unsupported_media_type',
      'Send the body as JSON with `Content-Type: application/json`.',
    );
  }
}

/** The body's bytes as JSON validated against a contracts schema: readJson without the reading. */
export function parseJsonBody<S extends z.ZodMiniType>(bytes: Uint8Array, schema: S): z.infer<S> {
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new TesseraError('invalid_json', 'The body is not valid UTF-8 JSON.');
  }
  const bad = refusedField(body);
  if (bad !== undefined) {
    throw new TesseraError('validation_failed', `Invalid field: ${bad.path || '(body)'}.`, {
      fields: [bad],
    });
  }
  const parsed = checkInput(schema, body);
  if (!parsed.success) {
    const { fields } = parsed;
    const names = fields.map((field) => field.path || '(body)').join(', ');
    throw new TesseraError(
      'validation_failed',
      `Invalid field${fields.length > 1 ? 's' : ''}: ${names}.`,
      { fields },
    );
  }
  return parsed.data;
}

/**
 * The body's bytes, at most MAX_BODY_BYTES: a declared length over the limit is refused unread,
 * and a body that declares none (chunked) is read only until it passes the limit, never whole.
 */
export async function readBody(c: Context): Promise<Buffer> {
  const declared = c.req.header('content-length');
  if (declared !== undefined) {
    if (Number(declared) > MAX_BODY_BYTES) throw tooLarge();
    // Node's parser delivers exactly the declared length (and refuses a malformed one).
    return Buffer.from(await c.req.arrayBuffer());
  }
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) throw tooLarge();
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const body = Buffer.concat(chunks, size);
  // Later reads (the idempotency fingerprint) get these bytes from Hono's cache (which holds
  // promises, whatever its type says), not from the spent stream.
  (c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> }).arrayBuffer = Promise.resolve(
    new Uint8Array(body).buffer,
  );
  return body;
}

/** Half a surrogate pair: not Unicode text (RFC 7493), and no database stores it as sent. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * U+0000 (no database column takes it), a lone surrogate, or a leading U+FEFF (a text column
 * reads back without it: `"\uFEFF"` is stored, then read as an empty, invalid name).
 */
const unstorable = (text: string) =>
  text.includes('\u0000') || text.startsWith('\uFEFF') || LONE_SURROGATE.test(text);

/**
 * Keys that name an object's prototype machinery. A schema copying a record assigns `__proto__`
 * as the prototype and drops it without a word; refused wherever they appear, so nothing is lost
 * silently and nothing reaches a merge that would pollute.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first key or string in a JSON value that is refused, with its dotted path, if any. */
function refusedField(value: unknown): { path: string; code: string; message: string } | undefined {
  // Iterative: a 16 KiB body nests thousands of levels deep.
  const pending: [unknown, string][] = [[value, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [member, path] = next;
    if (typeof member === 'string') {
      if (unstorable(member)) return { path, ...UNSTORABLE };
    } else if (typeof member === 'object' && member !== null) {
      for (const [key, child] of Object.entries(member)) {
        const childPath = path ? `${path}.${key}` : key;
        if (unstorable(key)) return { path: childPath, ...UNSTORABLE };
        if (PROTOTYPE_KEYS.has(key))
          return {
            path: childPath,
            code: 'forbidden_key',
            message: `${key} is not accepted as a key`,
          };
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}

const UNSTORABLE = {
  code: 'invalid_characters',
  message: 'contains U+0000 or an unpaired surrogate, or starts with U+FEFF',
};

export function tooLarge(): TesseraError {
  return new TesseraError('body_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`, {
    max_bytes: MAX_BODY_BYTES,
  });
}
