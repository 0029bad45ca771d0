import type { Request } from 'express';

/**
 * Finds the token where clients put it: the `Authorization: Bearer` header first, then, for the
 * original client, `token` in the JSON body, `jwt_token.token` in the body of `PATCH /user/update`
 * and `?token=` on the avatar upload.
 */
export function extractToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, token] = header.split(' ');
    return scheme?.toLowerCase() === 'bearer' && token ? token : null;
  }
  const body = request.body as { token?: unknown; jwt_token?: { token?: unknown } } | undefined;
  return (
    asToken(body?.token) ?? asToken(body?.jwt_token?.token) ?? asToken(request.query?.token) ?? null
  );
}

function asToken(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
