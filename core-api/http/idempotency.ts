import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod/mini';
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  TesseraError,
  isIdempotencyKey,
} from '../../contracts/index.ts';
import type { Actor } from '../domain/actor.ts';
import type { CoreRepo, CoreStore } from '../store/types.ts';
import { etag } from './preconditions.ts';

/** What a mutation answers: stored with its key, so a retry gets the same answer. */
export interface MutationOutcome {
  status: ContentfulStatusCode;
  schema: z.ZodMiniType;
  /** A resource at its `version` (answered as `ETag`), or an answer that is no resource. */
  body: { version?: number; [field: string]: unknown };
}

export type Mutate<C extends Context = Context> = (
  c: C,
  run: (repo: CoreRepo, who: Actor) => Promise<MutationOutcome>,
) => Promise<Response>;

/**
 * Runs a mutation once per `Idempotency-Key`: the change, its event and the stored answer commit
 * together, so a retry replays the answer and a concurrent twin waits on the row lock, then
 * replays. Only successes are stored: a refused request changed nothing and may simply be sent again.
 */
export function idempotentMutations<C extends Context>(
  store: CoreStore,
  actorOf: (c: C) => Actor,
): Mutate<C> {
  return async (c, run) => {
    const key = c.req.header('idempotency-key');
    if (!key) throw new TesseraError('idempotency_key_required');
    if (!isIdempotencyKey(key))
      throw new TesseraError(
        'validation_failed',
        `\`Idempotency-Key\` must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} characters of A–Z, a–z, 0–9, . _ : -`,
        {
          fields: [
            {
              path: 'Idempotency-Key',
              code: 'invalid_format',
              message: 'invalid characters or length',
            },
          ],
        },
      );
    const who = actorOf(c);
    // Scoped to partner AND customer: another customer's key never replays this customer's answer.
    // The partner's backend (no account: `accountId` is empty) has keys of its own.
    const scope = { partner_id: who.partnerId, key: `${who.accountId || 'partner'}:${key}` };
    const fingerprint = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
      .digest('hex');
    const replay = async (): Promise<Response | null> => {
      const stored = await store.getIdempotency(scope.partner_id, scope.key);
      if (!stored) return null;
      if (stored.fingerprint !== fingerprint)
        throw new TesseraError(
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different request; use a new key for a new action.',
        );
      // Stored as the JSON text first sent, so a replay is byte for byte the same answer.
      return c.body(String(stored.body), stored.status as ContentfulStatusCode, {
        ...stored.headers,
        'Content-Type': 'application/json',
        'Idempotent-Replayed': 'true',
      });
    };
    const earlier = await replay();
    if (earlier) return earlier;
    try {
      const result = await store.transaction(async (repo) => {
        const outcome = await run(repo, who);
        const checked = outcome.schema.safeParse(outcome.body);
        if (!checked.success) throw new Error('response does not match its contract');
        const text = JSON.stringify(checked.data);
        const inserted = await repo.putIdempotency({
          ...scope,
          fingerprint,
          status: outcome.status,
          body: text,
          headers: outcome.body.version === undefined ? {} : { ETag: etag(outcome.body.version) },
          created_at: who.now.toISOString(),
        });
        if (!inserted)
          throw new TesseraError(
            'idempotency_key_reused',
            'A concurrent request with this key won.',
          );
        return { ...outcome, text };
      });
      if (result.body.version !== undefined) c.header('ETag', etag(result.body.version));
      return c.body(result.text, result.status, { 'Content-Type': 'application/json' });
    } catch (error) {
      // A twin with the same key may have committed while this one waited: answer as it did.
      if (error instanceof TesseraError) {
        const twin = await replay();
        if (twin) return twin;
      }
      throw error;
    }
  };
}
