import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { Kek } from '../../service-kit/kek.ts';
import type { Logger } from '../../service-kit/log.ts';
import type { ClaimedDelivery, CoreStore, WebhookAttemptOutcome } from '../store/types.ts';
import { systemResolver, type Resolver } from './address-guard.ts';
import { attempt } from './attempt.ts';
import type { DeliveryOutcome, WebhookMetrics } from './metrics.ts';
import { DEFAULT_JITTER, DEFAULT_RETRY_SCHEDULE_MS, retryAfterMs, retryDelay } from './schedule.ts';
import { signingSecrets } from './secrets.ts';
import { payloadBody } from './payload.ts';

export interface WebhookWorkerOptions {
  store: CoreStore;
  kek: Kek;
  log: Logger;
  metrics?: WebhookMetrics | undefined;
  /** Delay before each attempt; its length is the number of attempts. */
  schedule?: readonly number[];
  jitter?: number;
  timeoutMs?: number;
  /** Attempts in flight at once, per worker. */
  concurrency?: number;
  /** Longest sleep without a wake-up: the safety net should a notification be missed. */
  pollMs?: number;
  /** How much longer than the timeout a claim holds: past it, another worker may take over. */
  leaseMarginMs?: number;
  resolve?: Resolver;
  /** https trust anchors (tests); unset: Node's defaults. */
  ca?: string | Buffer | undefined;
  random?: () => number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Delivers the queued webhooks: claims due deliveries (row locks with SKIP LOCKED, then a lease,
 * so several workers on one PostgreSQL never hold the same one), sends each once, and writes the
 * outcome and the next attempt back. All state is in the database: a worker that stops or dies
 * leaves nothing that another (or its own restart) does not find. It runs on its own loop, so the
 * request that wrote an event never waits for a receiver.
 */
export class WebhookWorker {
  readonly #o: Required<Omit<WebhookWorkerOptions, 'metrics' | 'ca'>> &
    Pick<WebhookWorkerOptions, 'metrics' | 'ca'>;
  readonly #agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #wake: () => void = () => undefined;
  #woken = false;
  #stopped = false;
  #loop: Promise<void> | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(options: WebhookWorkerOptions) {
    this.#o = {
      schedule: DEFAULT_RETRY_SCHEDULE_MS,
      jitter: DEFAULT_JITTER,
      timeoutMs: DEFAULT_WEBHOOK_TIMEOUT_MS,
      concurrency: 16,
      pollMs: 5_000,
      leaseMarginMs: 30_000,
      resolve: systemResolver,
      random: Math.random,
      ...options,
    };
    if (this.#o.schedule.length === 0) throw new Error('the retry schedule needs an attempt');
    // Every attempt in flight listens for the stop.
    setMaxListeners(0, this.#abort.signal);
  }

  start(): void {
    if (this.#loop) return;
    this.#unsubscribe = this.#o.store.onWebhookWork(() => this.#signal());
    this.#loop = this.#run();
  }

  /** Stops claiming, lets attempts in flight end (aborted after `graceMs`), then returns. */
  async stop(graceMs = 2_000): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#signal();
    await this.#loop;
    const grace = setTimeout(() => this.#abort.abort(), graceMs);
    await Promise.allSettled([...this.#inFlight]);
    clearTimeout(grace);
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  #signal(): void {
    this.#woken = true;
    this.#wake();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#woken = false;
      let wait = this.#o.pollMs;
      try {
        const free = this.#o.concurrency - this.#inFlight.size;
        // Refill by halves: one claim per finished attempt would cost a query per delivery.
        if (free > 0 && (free >= this.#o.concurrency / 2 || this.#inFlight.size === 0)) {
          const claimed = await this.#o.store.claimWebhookDeliveries(
            free,
            this.#o.timeoutMs + this.#o.leaseMarginMs,
          );
          for (const delivery of claimed) this.#track(this.#deliver(delivery));
          if (claimed.length === free) continue;
          const due = await this.#o.store.nextWebhookDueInMs();
          if (due !== null) wait = Math.min(wait, due + 1);
        }
      } catch (error) {
        this.#o.log.warn({ err: error }, 'webhook worker: claiming failed; trying again');
      }
      if (this.#stopped) break;
      await this.#sleep(wait);
    }
  }

  #track(delivery: Promise<void>): void {
    const work = delivery.catch((error: unknown) =>
      this.#o.log.error({ err: error }, 'webhook worker: a delivery failed unexpectedly'),
    );
    this.#inFlight.add(work);
    void work.finally(() => {
      this.#inFlight.delete(work);
      // A slot is free: there may be more due.
      this.#signal();
    });
  }

  async #deliver(delivery: ClaimedDelivery): Promise<void> {
    const { endpoint } = delivery;
    const body = payloadBody(delivery);
    let headers: Record<string, string> | null = null;
    try {
      headers = body ? this.#headers(delivery, body) : null;
    } catch (error) {
      // Another instance sealed the secret under another key: every instance needs one TESSERA_KEK.
      this.#o.log.error(
        { err: error, endpoint: endpoint.id },
        'webhook worker: the endpoint secret does not open with this instance’s TESSERA_KEK',
      );
    }
    const result =
      body && headers
        ? await attempt({
            url: endpoint.url,
            mode: endpoint.mode,
            headers,
            body,
            timeoutMs: this.#o.timeoutMs,
            resolve: this.#o.resolve,
            agents: this.#agents,
            signal: this.#abort.signal,
            ca: this.#o.ca,
          })
        : {
            statusCode: null,
            latencyMs: 0,
            error: body
              ? 'cannot sign: the secret does not open with this key-encryption key'
              : 'the event is no longer in the outbox',
            retryAfter: undefined,
            refused: false,
          };
    const status = result.statusCode;
    const delivered = status !== null && status >= 200 && status < 300;
    const gone = status === 410;
    let retryInMs: number | null = null;
    if (!delivered && !gone && body) {
      retryInMs = retryDelay(delivery.attempt, this.#o.schedule, this.#o.jitter, this.#o.random);
      const asked = status === 429 || status === 503 ? retryAfterMs(result.retryAfter) : null;
      // A receiver's Retry-After is honoured, up to a day.
      if (retryInMs !== null && asked !== null)
        retryInMs = Math.max(retryInMs, Math.min(asked, MAX_RETRY_AFTER_MS));
    }
    if (this.#abort.signal.aborted && !delivered) retryInMs = 0;
    const outcome: WebhookAttemptOutcome = {
      statusCode: status,
      latencyMs: result.latencyMs,
      error: result.error,
      retryInMs,
      delivered,
      disableEndpoint: gone,
    };
    const label: DeliveryOutcome = delivered
      ? 'delivered'
      : gone
        ? 'gone'
        : retryInMs === null
          ? 'exhausted'
          : 'retrying';
    this.#o.metrics?.record(label, result.latencyMs);
    try {
      await this.#o.store.settleWebhookDelivery({ ...delivery, endpoint_id: endpoint.id }, outcome);
    } catch (error) {
      // The lease runs out and another attempt follows: at least once, never lost.
      this.#o.log.warn(
        { err: error, endpoint: endpoint.id, event: delivery.event_id },
        'webhook worker: recording an attempt failed',
      );
    }
    if (!delivered)
      this.#o.log.info(
        {
          endpoint: endpoint.id,
          event: delivery.event_id,
          attempt: delivery.attempt,
          status,
          error: result.error,
          retry_in_ms: retryInMs,
        },
        gone ? 'webhook endpoint answered 410 Gone: disabled' : 'webhook attempt failed',
      );
  }

  #headers(delivery: ClaimedDelivery, body: string): Record<string, string> {
    return signingSecrets(this.#o.kek, delivery.endpoint, new Date()).headers(
      delivery.event_id,
      Math.floor(Date.now() / 1000),
      body,
    );
  }
}
