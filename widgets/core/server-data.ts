import type * as z from 'zod/mini';
import type { ApiClient } from './api-client.ts';
import { WidgetError } from './errors.ts';
import { tokenScopes } from './token-manager.ts';

/**
 * The attribute of the `<script type="application/json">` child the server's renderer writes
 * into a widget: the data the widget was rendered with, so the browser does not ask again.
 */
export const SERVER_DATA_ATTRIBUTE = 'data-tessera-server-data';

/** The server-rendered data of an element, or `undefined` when it has none (or it is not JSON). */
export function readServerData(element: Element): unknown {
  const script = element.querySelector(
    `:scope > script[type="application/json"][${SERVER_DATA_ATTRIBUTE}]`,
  );
  if (!script?.textContent) return undefined;
  try {
    return JSON.parse(script.textContent) as unknown;
  } catch {
    return undefined;
  }
}

const refuse = (): Promise<never> =>
  Promise.reject(
    new WidgetError('configuration_invalid', 'A server-side render does not call the API.'),
  );

/**
 * What a controller gets as its API while the server renders it: it renders the data it was
 * given, and nothing there should reach the network (a timer or a request would outlive the
 * page's render, with the customer's token).
 */
export const SERVER_API: ApiClient = {
  sessionId: '',
  scopes: refuse,
  get: refuse,
  post: refuse,
  patch: refuse,
};

/** A resource in a server render's data, with the `ETag` it was read with. */
export interface ServerResource<T> {
  value: T;
  etag: string | undefined;
}

/**
 * `data[key]` when it passes the contract's schema (and `accept`, e.g. "is the quote this element
 * shows"), else `undefined`: the widget then loads as if there were no server data.
 */
export function serverResource<T>(
  data: unknown,
  key: string,
  schema: z.ZodMiniType<T>,
  accept: (value: T) => boolean = () => true,
): ServerResource<T> | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const parsed = schema.safeParse(record[key]);
  if (!parsed.success || !accept(parsed.data)) return undefined;
  return { value: parsed.data, etag: typeof record.etag === 'string' ? record.etag : undefined };
}

/** The scopes of the `token` attribute, read the same on the server and in the browser. */
export function attributeScopes(token: string | undefined): readonly string[] | undefined {
  return token ? tokenScopes(token) : undefined;
}
