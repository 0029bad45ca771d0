import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane (a proxy may have set it), else a new one; echoed back. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers['x-request-id'];
  const id = typeof offered === 'string' && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** A URL fit for the log: query values that carry credentials are masked. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:token|password)=)[^&]*/gi, '$1[redacted]');
}
