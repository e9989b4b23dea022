const SESSION_BYTES = 16; // 22 base64url characters

/** Bytes as base64url without padding (RFC 4648 §5), as session ids and JOSE write them. */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh widget session id: `ws_` and 22 base64url characters (128 random bits). */
export function createSessionId(): string {
  return `ws_${base64url(crypto.getRandomValues(new Uint8Array(SESSION_BYTES)))}`;
}

const sessions = new WeakMap<object, string>();

/**
 * The session id of a configuration: one per page load, shared by every widget configured with
 * the same object, so the partner can follow one customer's visit across widgets and events.
 */
export function sessionIdFor(configuration: object): string {
  let id = sessions.get(configuration);
  if (id === undefined) {
    id = createSessionId();
    sessions.set(configuration, id);
  }
  return id;
}
