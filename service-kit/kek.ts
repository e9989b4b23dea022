import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from './log.ts';

/**
 * The key-encryption key: secrets a service must use again (the token service's private signing
 * keys, the core API's webhook signing secrets) are stored only encrypted under it, so a copy of
 * the database alone signs nothing. One deployment may give every service the same key. Production sets TESSERA_KEK (32 bytes, base64 or base64url);
 * development gets one generated into the data dir, with a warning, because then the key sits
 * next to what it protects.
 */
export class Kek {
  readonly #key: Buffer;
  private constructor(key: Buffer) {
    this.#key = key;
  }

  static fromBase64(value: string): Kek {
    const key = Buffer.from(value, 'base64url');
    if (key.length !== 32)
      throw new Error(
        'TESSERA_KEK must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`).',
      );
    return new Kek(key);
  }

  static async load(opts: {
    env: string | undefined;
    stateDir: string;
    log: Logger;
  }): Promise<Kek> {
    if (opts.env) return Kek.fromBase64(opts.env);
    const path = join(opts.stateDir, 'dev-kek');
    try {
      const kek = Kek.fromBase64((await readFile(path, 'utf8')).trim());
      opts.log.warn(
        { path },
        'TESSERA_KEK is not set: using the development key-encryption key from the data dir. Set TESSERA_KEK in production.',
      );
      return kek;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(opts.stateDir, { recursive: true });
    const key = randomBytes(32);
    await writeFile(path, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    opts.log.warn(
      { path },
      'TESSERA_KEK is not set: GENERATED a development key-encryption key into the data dir. Never run production like this: set TESSERA_KEK.',
    );
    return new Kek(key);
  }

  /** AES-256-GCM; output base64url(iv | ciphertext | tag). `aad` binds the ciphertext to its row. */
  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  decrypt(sealed: string, aad: string): string {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([
      decipher.update(raw.subarray(12, raw.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  }
}
