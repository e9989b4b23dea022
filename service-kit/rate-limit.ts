import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { RateLimit } from '../contracts/index.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (RateLimit-Reset), and the Retry-After when refused. */
  resetSec: number;
}

/**
 * Per-partner limit (rate-limiter-flexible's BurstyRateLimiter): `per_second` in every one-second
 * window, plus a reserve of `burst - per_second` for spikes that refills over
 * `10 × burst / per_second` seconds, so the sustained rate stays within 5 % of `per_second`.
 * The headers describe the one-second window. In memory by default; through Redis when a client
 * is given, so several instances share one budget.
 */
export function reserveRefillSeconds(limit: RateLimit): number {
  return Math.max(1, Math.ceil((10 * limit.burst) / limit.per_second));
}

export class PartnerRateLimiter {
  readonly #redis: Redis | null;
  readonly #limiters = new Map<string, BurstyRateLimiter | RateLimiterAbstract>();

  constructor(redis: Redis | null) {
    this.#redis = redis;
  }

  async consume(partnerId: string, limit: RateLimit): Promise<RateDecision> {
    const limiter = this.#limiter(limit);
    try {
      const res = await limiter.consume(partnerId);
      return {
        allowed: true,
        limit: limit.per_second,
        remaining: Math.max(0, res.remainingPoints),
        resetSec: Math.ceil(res.msBeforeNext / 1000),
      };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return {
          allowed: false,
          limit: limit.per_second,
          remaining: 0,
          resetSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
        };
      }
      throw rejection;
    }
  }

  #limiter(limit: RateLimit) {
    const id = `${limit.per_second}:${limit.burst}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      const extra = limit.burst - limit.per_second;
      const base = this.#make(`tessera:rl:${id}`, limit.per_second, 1);
      limiter =
        extra > 0
          ? new BurstyRateLimiter(
              base,
              this.#make(`tessera:rlb:${id}`, extra, reserveRefillSeconds(limit)),
            )
          : base;
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }

  #make(keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
    return this.#redis
      ? new RateLimiterRedis({
          storeClient: this.#redis,
          keyPrefix,
          points,
          duration,
          // While Redis is down each instance limits on its own rather than refusing every mint.
          insuranceLimiter: new RateLimiterMemory({
            keyPrefix: `${keyPrefix}:insurance`,
            points,
            duration,
          }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });
  }
}
