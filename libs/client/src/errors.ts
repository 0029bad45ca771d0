import type { ErrorCode } from '@chat/protocol';

/** The server refused a socket request (an `error` frame); `code` says what kind of refusal. */
export class ChatSocketError extends Error {
  override readonly name = 'ChatSocketError';

  constructor(
    readonly code: ErrorCode | 'not_connected' | 'timeout' | 'closed',
    detail: string,
    /** The room the refusal is about, when it names one. */
    readonly roomId?: number,
  ) {
    super(detail);
  }
}

/** The request could not be made or answered: the socket is not (or no longer) connected. */
export class NotConnectedError extends ChatSocketError {
  constructor() {
    super('not_connected', 'Not connected');
  }
}

/** An HTTP answer other than 2xx, with the server's `detail`. */
export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';

  constructor(
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The server's `detail`: a sentence, or for 422 the list of fields and what is wrong. */
    readonly detail: string | { field?: string; message?: string }[] | undefined,
  ) {
    super(describe(status, detail));
  }
}

function describe(status: number, detail: ChatApiError['detail']): string {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((problem) => problem.message ?? problem.field ?? 'invalid').join('; ');
  }
  return status === 0 ? 'The server cannot be reached' : `Request failed (${status})`;
}

/** Refusals that may pass: the same request can succeed when sent again later. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof ChatSocketError &&
    (error.code === 'not_connected' ||
      error.code === 'timeout' ||
      error.code === 'unavailable' ||
      error.code === 'rate_limited')
  );
}
