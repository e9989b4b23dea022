import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TesseraError } from '../contracts/index.ts';

/**
 * State the services of one stack share through its data dir rather than own: the admin
 * credential both services' admin APIs accept and the CLI presents. The file keeps the place
 * operators and the runbooks have always found it in.
 */
export const adminTokenPath = (dataDir: string) => join(dataDir, 'token-service', 'admin-token');

export interface AdminTokenSource {
  /** TESSERA_ADMIN_TOKEN, when set: then no file is read or written. */
  adminToken: string | undefined;
  dataDir: string;
}

/** The admin credential as a client knows it: TESSERA_ADMIN_TOKEN, else the data dir's file; never created. */
export async function readAdminToken(source: AdminTokenSource): Promise<string> {
  if (source.adminToken) return source.adminToken;
  try {
    return (await readFile(adminTokenPath(source.dataDir), 'utf8')).trim();
  } catch {
    throw new TesseraError(
      'admin_unauthorized',
      'The running service was started with its own TESSERA_ADMIN_TOKEN: set the same one for the CLI.',
    );
  }
}

/** The admin credential a service accepts: TESSERA_ADMIN_TOKEN, else the data dir's, generated once (mode 0600). */
export async function loadAdminToken(source: AdminTokenSource): Promise<string> {
  if (source.adminToken) return source.adminToken;
  const path = adminTokenPath(source.dataDir);
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  const token = `tadm_${randomBytes(32).toString('base64url')}`;
  await writeFile(path, token + '\n', { mode: 0o600 });
  return token;
}
