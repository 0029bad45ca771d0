import { ChatApiError } from '@chat/client';

/** Deletes the caller's account: a compat route (`DELETE /user/delete`) that ChatHttp lacks. */
export async function deleteAccount(token: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/user/delete', {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
  } catch {
    throw new ChatApiError(0, undefined);
  }
  if (response.ok) return;
  const answer = (await response.json().catch(() => ({}))) as { detail?: ChatApiError['detail'] };
  throw new ChatApiError(response.status, answer.detail);
}
