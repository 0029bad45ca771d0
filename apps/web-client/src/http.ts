/** One call to the chat server's HTTP API, same origin, with its errors made readable. */

/** An answer other than 2xx, with the server's `detail` made readable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: unknown,
  ) {
    super(describeDetail(status, detail));
  }
}

function describeDetail(status: number, detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((problem: { field?: string; message?: string }) => problem.message ?? problem.field)
      .join('; ');
  }
  return status === 0 ? 'The server cannot be reached' : `Request failed (${status})`;
}

export async function call<T>(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, undefined);
  }
  const answer = (await response.json().catch(() => ({}))) as { detail?: unknown };
  if (!response.ok) throw new ApiError(response.status, answer.detail);
  return answer as T;
}
