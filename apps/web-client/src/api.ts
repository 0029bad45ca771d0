/** The chat server's HTTP API, same origin, as the wire contract describes it. */

export interface Profile {
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
}

export interface ChatMessage {
  message_id: number;
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
  message: string;
  time_send: string;
  created_at: string;
  edited: boolean;
  client_id?: string;
}

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

async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
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

export const api = {
  register: (name: string, password: string) =>
    call('POST', '/auth/register-user', undefined, { name, password }),
  login: (name: string, password: string) =>
    call<{ token: string; user_id: number }>('POST', '/user/login', undefined, { name, password }),
  logout: (token: string) => call('POST', '/user/logout', token),
  me: (token: string) => call<Profile>('GET', '/user/me', token),
  rename: (token: string, name: string) => call<Profile>('PATCH', '/api/v1/me', token, { name }),
  changePassword: (token: string, currentPassword: string, password: string) =>
    call<Profile>('PATCH', '/api/v1/me', token, { password, current_password: currentPassword }),
  deleteAccount: (token: string) => call('DELETE', '/user/delete', token),
  uploadAvatar: (token: string, image: File) => {
    const form = new FormData();
    form.append('image', image);
    return call('POST', '/avatar/upload', token, form);
  },
  lastMessages: () => call<ChatMessage[]>('GET', '/routers/last_messages'),
  older: (beforeId: number) =>
    call<ChatMessage[]>('POST', '/routers/load', undefined, { id_message: beforeId }),
  edit: (token: string, messageId: number, message: string) =>
    call('PATCH', '/routers/update', token, { message_id: messageId, message }),
  remove: (token: string, messageId: number) =>
    call('DELETE', '/routers/delete-message', token, { id_message: messageId }),
};
