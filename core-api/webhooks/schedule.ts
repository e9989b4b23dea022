/**
 * When attempts happen. Attempt n (1-based) is due `schedule[n - 1]` after the previous one
 * failed (the first, `schedule[0]`, after the event); the schedule's length is the number of
 * attempts. Each delay is spread by ±`jitter` so the retries of many deliveries that failed
 * together (a receiver's outage) do not all return in the same instant.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  14 * 3600_000,
  20 * 3600_000,
  24 * 3600_000,
];
export const DEFAULT_JITTER = 0.1;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };

/** `"0,5s,5m,30m,2h"`: delays with a unit (ms, s, m, h; none means ms), comma-separated. */
export function parseRetrySchedule(value: string, name: string): number[] {
  const delays = value.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(part);
    if (!match?.[1])
      throw new Error(`${name}: "${part.trim()}" is not a delay such as 5s, 30m, 2h.`);
    return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
  });
  if (delays.length === 0 || delays.length > 50)
    throw new Error(`${name} must list between 1 and 50 delays.`);
  return delays;
}

/** Milliseconds until the attempt after `attempt` (1-based), or null when that was the last. */
export function retryDelay(
  attempt: number,
  schedule: readonly number[],
  jitter: number,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attempt];
  if (base === undefined) return null;
  return Math.round(base * (1 + jitter * (random() * 2 - 1)));
}

/** `Retry-After` (RFC 9110 §10.2.3: seconds or an HTTP date) in milliseconds; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
