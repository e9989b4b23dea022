import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { readBody } from '../../../service-kit/http/body.ts';
import type { TokenServiceEnv } from '../context.ts';
import type { EndpointAnswer, EndpointRequest } from '../token-endpoints.ts';

/** A Hono request as the token endpoints read it. */
export function endpointRequest(c: Context<TokenServiceEnv>): EndpointRequest {
  return {
    header: (name) => c.req.header(name),
    body: () => readBody(c),
    requestId: c.get('requestId'),
  };
}

/** An endpoint's answer through Hono, its log and metric details handed to `instrument`. */
export function sendAnswer(c: Context<TokenServiceEnv>, answer: EndpointAnswer): Response {
  if (answer.partnerId !== undefined) c.set('partnerId', answer.partnerId);
  if (answer.errorCode !== undefined) c.set('errorCode', answer.errorCode);
  if (answer.logMessage !== undefined) c.set('logMessage', answer.logMessage);
  if (answer.logFields !== undefined) c.set('logFields', answer.logFields);
  for (const [name, value] of answer.headers) c.header(name, value);
  c.header('Content-Type', 'application/json');
  return c.body(answer.body, answer.status as ContentfulStatusCode);
}
