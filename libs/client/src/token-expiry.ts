/**
 * When a JWT expires (ms since the epoch), read from its `exp` claim without checking its
 * signature (the server does that); undefined when the token has no readable `exp`.
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeBase64(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When to fetch a fresh token: a tenth of the token's lifetime before it expires, at most a minute
 * before, and never sooner than now.
 */
export function refreshAt(expiresAt: number, now: number): number {
  const margin = Math.min(60_000, Math.max(0, (expiresAt - now) / 10));
  return Math.max(now, expiresAt - margin);
}

function decodeBase64(base64: string): string {
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
