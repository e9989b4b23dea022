/**
 * The page's side of the routes web-test-runner.config.mjs serves: a fresh demo account per test,
 * the partner backend's token log, the core API's events, and the fault proxy's script and log.
 */
import type { Fault, ProxiedRequest } from './fault-proxy.node.ts';

export type { Fault, ProxiedRequest };

/** A fresh demo account on the real stack. */
export interface Demo {
  /** The real core API. */
  apiBase: string;
  /** The fault proxy in front of it: passes everything through until a test scripts a fault. */
  faultApiBase: string;
  /** The partner backend's token endpoint for this account (same origin as the page). */
  tokenUrl: string;
  accountId: string;
  quotes: { open: string; expired: string; accepted: string };
  onboardingId: string;
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}

export function demo(): Promise<Demo> {
  return json<Demo>('/__stack', { method: 'POST' });
}

export interface TokenOptions {
  scopes?: readonly string[];
  /** The token's lifetime in seconds (5 or more). */
  ttl?: number;
  /** The backend answers this status instead of a token… */
  fail?: number;
  /** …only the first time for this key (default: a fresh one, so exactly once). */
  once?: string | false;
}

/** The demo's token URL with the partner backend's behaviour in the query. */
export function tokenUrl(demo: Demo, options: TokenOptions = {}): string {
  const query = new URLSearchParams();
  if (options.scopes) query.set('scopes', options.scopes.join(','));
  if (options.ttl !== undefined) query.set('ttl', String(options.ttl));
  if (options.fail !== undefined) {
    query.set('fail', String(options.fail));
    if (options.once !== false) query.set('once', options.once ?? crypto.randomUUID());
  }
  const extra = query.toString();
  return extra ? `${demo.tokenUrl}&${extra}` : demo.tokenUrl;
}

export interface Mint {
  at: number;
  status: number;
  expires_at: string | null;
  /** The token answered, if one was. */
  token: string | null;
}

/** Every call the widgets made to the partner backend's token endpoint for this account. */
export function tokenLog(accountId: string): Promise<Mint[]> {
  return json<Mint[]>(`/__token-log?account=${encodeURIComponent(accountId)}`);
}

export interface DomainEvent {
  type: string;
  data: Record<string, unknown>;
  request_id: string;
  session_id: string | null;
}

/** The core API's own record of what happened to this account. */
export function apiEvents(accountId: string): Promise<DomainEvent[]> {
  return json<DomainEvent[]>(`/__events?account=${encodeURIComponent(accountId)}`);
}

/** The core API's error envelope, as the proxy should answer it. */
export function envelope(code: string, message = `Injected: ${code}.`) {
  return { error: { code, message, request_id: 'req_injected', doc_url: 'https://example.test' } };
}

export const faults = {
  /** Adds rules after those already scripted. */
  async add(...rules: Fault[]): Promise<void> {
    await json('/__faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
  },
  /** What the proxy saw (preflights left out), optionally only `METHOD /path`. */
  async log(method?: string, path?: string): Promise<ProxiedRequest[]> {
    const { log } = await json<{ log: ProxiedRequest[] }>('/__faults');
    return log.filter(
      (entry) => (!method || entry.method === method) && (!path || entry.path === path),
    );
  },
  /** Lets held requests through; returns how many. */
  async release(): Promise<number> {
    const { released } = await json<{ released: number }>('/__faults/release', {
      method: 'POST',
    });
    return released;
  },
  /** No more faults: everything passes through again. */
  async reset(): Promise<void> {
    await json('/__faults', { method: 'DELETE' });
  },
};

/** The quote paths the proxy sees. */
export const quotePath = (id: string, action?: 'accept' | 'decline') =>
  `/v1/quotes/${id}${action ? `/${action}` : ''}`;
