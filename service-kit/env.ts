import { resolve } from 'node:path';

/** A whole-number setting from the environment, with a message that names it when it is not one. */
export function envInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a whole number, got "${value}".`);
  return parsed;
}

/** The data dir every service of one deployment shares, each in a corner of its own. */
export function dataDir(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
): string {
  return resolve(flag ?? env.TESSERA_DATA_DIR ?? '.tessera');
}
