import { createHash, randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumerics without modulo bias (rejection sampling over bytes < 248). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const newPartnerId = () => `ptn_${randomAlnum(16)}`;
export const newPartnerKeyId = () => `pk_${randomAlnum(16)}`;
/** 43 alphanumerics ≈ 256 bits: a secret that needs no slow hash, only SHA-256. */
export const newPartnerSecret = (mode: 'test' | 'live') => `tsk_${mode}_${randomAlnum(43)}`;
/** randomUUID draws from Node's pooled entropy: no syscall per token, unlike randomBytes. */
export const newJti = () => randomUUID();

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
