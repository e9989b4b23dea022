/** The mocked core API's routing: every request logged, a story's override asked first. */
import { http } from 'msw';
import type { Override, Sandbox } from './answers.ts';
import { API_BASE, record } from './log.ts';

export type Handle = (
  request: Request,
  params: Record<string, string>,
) => Promise<Response> | Response;

export function route<T>(
  method: 'get' | 'post' | 'patch',
  path: string,
  handle: Handle,
  override?: { answer: Override<T> | undefined; sandbox: Sandbox<T> },
) {
  return http[method](`${API_BASE}${path}`, async ({ request, params }) => {
    const entry = record(request);
    const response =
      (await override?.answer?.(request.clone(), override.sandbox)) ??
      (await handle(request, params as Record<string, string>));
    entry.status = response.status;
    return response;
  });
}

export async function readBody(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return Symbol('invalid json');
  }
}

/** The version an `If-Match` names (strong or weak ETag); undefined when absent or `*`. */
export function ifMatch(request: Request): number | undefined {
  const header = request.headers.get('if-match');
  if (!header || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return match ? Number(match[1]) : Number.NaN;
}
