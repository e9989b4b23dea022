import { base64url } from './session.ts';

/**
 * DPoP (RFC 9449) in the browser: one ECDSA P-256 key per page, made with WebCrypto and marked
 * non-extractable, so a script that steals the widget token (XSS, an extension, a leaking log)
 * cannot use it elsewhere — every API call carries a fresh proof only this page can sign.
 *
 * Hand-written rather than with `jose` (which the verifier uses): the widget needs only ES256
 * signing of two small JSON objects, which WebCrypto does natively; jose's browser build would
 * add several KB gzip to every widget.
 */
export interface DpopKey {
  /** The RFC 7638 thumbprint of the public key: what `cnf.jkt` in a bound token must equal. */
  readonly jkt: string;
  /** A proof for one request: `htm`, `htu` (no query or fragment), `iat`, a fresh `jti`, `ath`. */
  proof(method: string, url: string, token: string): Promise<string>;
}

const encoder = new TextEncoder();

const json64 = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)));
const sha256 = (text: string) => crypto.subtle.digest('SHA-256', encoder.encode(text));

/** `htu` per RFC 9449 §4.2: the URL without its query and fragment. */
function htu(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** A new page key, or `undefined` where WebCrypto is unavailable (an insecure context). */
export async function createDpopKey(): Promise<DpopKey | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const { privateKey, publicKey } = await crypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' },
    false, // the private key can sign, never be exported
    ['sign'],
  );
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  const jwk = { crv, kty, x, y };
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const jkt = base64url(await sha256(JSON.stringify(jwk)));
  const header = json64({ typ: 'dpop+jwt', alg: 'ES256', jwk });
  return {
    jkt,
    async proof(method, url, token) {
      const payload = json64({
        jti: crypto.randomUUID(),
        htm: method.toUpperCase(),
        htu: htu(url),
        iat: Math.floor(Date.now() / 1000),
        ath: base64url(await sha256(token)),
      });
      // WebCrypto's ECDSA signature is r‖s, exactly the JWS ES256 form.
      const signature = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        privateKey,
        encoder.encode(`${header}.${payload}`),
      );
      return `${header}.${payload}.${base64url(signature)}`;
    },
  };
}

let pageKey: Promise<DpopKey | undefined> | undefined;

/** The page's one key, made on first use; a failure to make one means no DPoP, not no widget. */
export function pageDpopKey(): Promise<DpopKey | undefined> {
  pageKey ??= createDpopKey().catch(() => undefined);
  return pageKey;
}
