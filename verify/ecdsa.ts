import { TesseraError } from '../contracts/v1/errors.ts';
/**
 * ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. A token whose signature is
 * rewritten that way is a different string with the same claims, so anything keyed on the token's
 * bytes (the verified-token cache, a deny list, a log search) would see a new token. Tessera's
 * ES256 signatures are therefore always low-S: the token service normalises when it signs, the
 * verifier refuses the other half.
 */

/** The order n of the P-256 group. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;
/** JOSE form (RFC 7518 §3.4): r and s as 32 big-endian bytes each. */
const SIGNATURE_BYTES = 64;

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** Whether an ES256 signature in JOSE form has s > n/2. A signature of another length is left to the signature check. */
export function isHighS(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  return toBigInt(signature.subarray(32)) > P256_HALF_ORDER;
}

/**
 * Refuses an ES256 token whose signature has s > n/2: its low-S twin verifies too, so anything keyed
 * on the token string (the verified-token cache, a deny list) would see two tokens for one.
 */
export function assertLowS(token: string, alg: string): void {
  if (alg === 'ES256' && isHighS(Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')))
    throw new TesseraError(
      'token_signature_invalid',
      'The ES256 signature is not in low-S form (s > n/2); Tessera tokens are always low-S.',
    );
}

/** The same signature with s replaced by n − s when s > n/2: valid for the same message and key. */
export function toLowS(signature: Uint8Array): Buffer {
  const copy = Buffer.from(signature);
  if (!isHighS(copy)) return copy;
  const s = P256_ORDER - toBigInt(copy.subarray(32));
  Buffer.from(s.toString(16).padStart(64, '0'), 'hex').copy(copy, 32);
  return copy;
}
