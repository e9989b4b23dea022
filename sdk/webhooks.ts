import { Webhook, WebhookVerificationError as LibraryError } from 'standardwebhooks';
import { WebhookPayload, type WebhookEventType } from '../contracts/index.ts';
import { WebhookVerificationError } from './errors.ts';

/** The Standard Webhooks window, which the official library enforces; a receiver may narrow it. */
export const MAX_TOLERANCE_SEC = 300;

/** A verified delivery: `id` is the `webhook-id` header, the event id to deduplicate on. */
export interface VerifiedWebhook<Data = Record<string, unknown>> {
  id: string;
  type: WebhookEventType;
  timestamp: string;
  data: Data;
}

/** Headers as Node (`req.headers`), the Fetch API (`request.headers`) or a plain object has them. */
export type WebhookHeaders =
  Headers | Record<string, string | readonly string[] | undefined> | Iterable<[string, string]>;

export type RawBody = string | Uint8Array | ArrayBuffer;

export interface VerifyOptions {
  /** The endpoint's `whsec_…` secret; defaults to the client's `webhookSecret`. */
  secret?: string | undefined;
  /** How far `webhook-timestamp` may lie from now, in seconds: at most (and by default) 300. */
  toleranceSec?: number | undefined;
}

const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Verifies a delivery with the official `standardwebhooks` library, then checks the body against
 * the v1 payload contract. Pass the body exactly as received: parsing and re-serialising JSON
 * changes bytes and breaks the signature.
 */
export function verifyWebhook(
  rawBody: RawBody,
  headers: WebhookHeaders,
  options: VerifyOptions & { secret: string },
): VerifiedWebhook {
  const tolerance = options.toleranceSec ?? MAX_TOLERANCE_SEC;
  if (!(tolerance >= 0 && tolerance <= MAX_TOLERANCE_SEC)) {
    throw new RangeError(`toleranceSec must be between 0 and ${MAX_TOLERANCE_SEC}`);
  }
  const found = pickHeaders(headers);
  const missing = HEADERS.filter((name) => !found[name]);
  if (missing.length > 0) {
    throw new WebhookVerificationError('headers', `Missing ${missing.join(', ')}.`);
  }
  const timestamp = Number(found['webhook-timestamp']);
  if (!/^\d{1,12}$/.test(found['webhook-timestamp'] ?? '')) {
    throw new WebhookVerificationError('headers', '`webhook-timestamp` is not Unix seconds.');
  }
  // Checked here as well as in the library so that a narrower tolerance applies.
  if (Math.abs(Date.now() / 1000 - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp',
      `\`webhook-timestamp\` is more than ${tolerance} s from now: a replay, or a clock off.`,
    );
  }
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(asBytes(rawBody)).toString();
  let parsed: unknown;
  try {
    parsed = new Webhook(options.secret).verify(body, found);
  } catch (error) {
    if (!(error instanceof LibraryError)) {
      if (error instanceof SyntaxError) {
        throw new WebhookVerificationError('format', 'The signed body is not JSON.', {
          cause: error,
        });
      }
      throw error;
    }
    const message = error.message;
    const reason = /timestamp too/i.test(message)
      ? 'timestamp'
      : /headers/i.test(message)
        ? 'headers'
        : 'signature';
    throw new WebhookVerificationError(
      reason,
      reason === 'signature' ? 'No signature matches the secret and the body.' : message,
      { cause: error },
    );
  }
  const payload = WebhookPayload.safeParse(parsed);
  if (!payload.success) {
    throw new WebhookVerificationError(
      'format',
      'The body is signed but is not a v1 webhook payload `{ type, timestamp, data }`.',
    );
  }
  return { id: found['webhook-id']!, ...payload.data };
}

function asBytes(body: Uint8Array | ArrayBuffer): Uint8Array {
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function pickHeaders(headers: WebhookHeaders): Partial<Record<(typeof HEADERS)[number], string>> {
  const out: Partial<Record<(typeof HEADERS)[number], string>> = {};
  const entries: Iterable<[string, unknown]> =
    headers instanceof Headers || Symbol.iterator in headers
      ? (headers as Iterable<[string, string]>)
      : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase() as (typeof HEADERS)[number];
    if (!HEADERS.includes(lower)) continue;
    const text = Array.isArray(value) ? value.join(' ') : value;
    if (typeof text === 'string' && text !== '') out[lower] = text;
  }
  return out;
}
