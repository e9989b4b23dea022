import { Redis } from 'ioredis';
import type { Logger } from './log.ts';

/** Redis for shared rate limits: it must answer at start, so a typo in REDIS_URL is found at once. */
export async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', resolve);
      redis.once('error', reject);
    });
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `REDIS_URL is set but Redis at ${new URL(url).host} does not answer: ${(error as Error).message}`,
      { cause: error },
    );
  }
  redis.on('error', (error) =>
    log.warn({ err: error }, 'redis error; rate limits fall back to this instance alone'),
  );
  return redis;
}
export type { Redis };
