/**
 * How hard and how long the load runs. The defaults keep `npm test` short; the figure is
 * `TESSERA_LOAD_SECONDS=30 TESSERA_LOAD_CONNECTIONS=200`. Nothing asserts on speed: more load or
 * a slower machine only means more requests to check.
 */
function tunable(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}, got "${raw}".`);
  return value;
}

/** Seconds of load per run. At most 600: the load's tokens live 900 s. */
export const LOAD_SECONDS = tunable('TESSERA_LOAD_SECONDS', 10, 600);
/** Concurrent keep-alive connections per run. */
export const LOAD_CONNECTIONS = tunable('TESSERA_LOAD_CONNECTIONS', 100, 2000);
/** Demo accounts the core API load works on (each: one onboarding, several open quotes). */
export const LOAD_ACCOUNTS = tunable('TESSERA_LOAD_ACCOUNTS', 300, 100_000);
export const QUOTES_PER_ACCOUNT = tunable('TESSERA_LOAD_QUOTES_PER_ACCOUNT', 12, 1000);
