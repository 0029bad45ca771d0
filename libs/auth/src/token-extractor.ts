import type { Request } from 'express';

/**
 * Finds the token where clients put it: the `Authorization: Bearer` header first, then, for the
 * original client, `token` in the JSON body, `jwt_token.token` in the body of `PATCH /user/update`
 * and `?token=` on the avatar upload only (URLs end up in logs, so no other route takes it).
 */
export function extractToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (header) return bearerToken(header);
  const body = request.body as { token?: unknown; jwt_token?: { token?: unknown } } | undefined;
  return (
    asToken(body?.token) ??
    asToken(body?.jwt_token?.token) ??
    (acceptsQueryToken(request) ? asToken(request.query?.token) : undefined) ??
    null
  );
}

/** Only the `Authorization: Bearer` header, for routes outside the compat contract. */
export function extractBearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  return header ? bearerToken(header) : null;
}

function bearerToken(header: string): string | null {
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : null;
}

/** The route as Express matched it (case and trailing slash aside), set before guards run. */
function acceptsQueryToken(request: Request): boolean {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  return request.method === 'POST' && route?.path === '/avatar/upload';
}

function asToken(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
