/**
 * What the mocks share: where the mocked API and token endpoint live, the log of what they
 * answered (for play functions), and the reset before every story.
 */

/** A core API that exists only in the stories: any request to it that no handler answers fails. */
export const API_BASE = 'https://api.tessera.test';
/** The partner backend's token endpoint, on the page's own origin as the real one would be. */
export const TOKEN_URL = '/api/widget-token';

/** One request a mock answered, for play functions to assert on. */
export interface Seen {
  method: string;
  /** `/v1/quotes/qt_…/accept`, or `TOKEN_URL`. */
  path: string;
  /** The bearer token sent (API calls), or the token answered (token endpoint). */
  token: string | undefined;
  idempotencyKey: string | null;
  ifMatch: string | null;
  status: number;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** Everything the mocks answered since the story started (reset before each story). */
export const seen: Seen[] = [];
const resets = new Set<() => void>();
let requestIds = 0;

/** Called before every story (.storybook/preview.ts): fresh state, log and request ids. */
export function resetMocks(): void {
  seen.length = 0;
  requestIds = 0;
  for (const reset of resets) reset();
}

export function onReset(reset: () => void): void {
  resets.add(reset);
}

export const nextRequestId = () => `req_story_${String(++requestIds).padStart(4, '0')}`;

/** Requests to the mocked API or token endpoint that no handler answers: a story bug. */
export function isMocked(request: Request): boolean {
  const url = new URL(request.url);
  return url.origin === API_BASE || (url.origin === location.origin && url.pathname === TOKEN_URL);
}

/** Logs a request as it arrives; its status is filled in once answered (0 while pending). */
export function record(request: Request, token?: string): Seen {
  const url = new URL(request.url);
  const entry: Seen = {
    method: request.method,
    path: url.pathname,
    token: token ?? request.headers.get('authorization')?.replace(/^Bearer /, ''),
    idempotencyKey: request.headers.get('idempotency-key'),
    ifMatch: request.headers.get('if-match'),
    status: 0,
    at: performance.now(),
  };
  seen.push(entry);
  return entry;
}
