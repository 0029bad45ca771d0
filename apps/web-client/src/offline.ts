import type { ChatClient, PendingMessage } from '@chat/client';

/**
 * A browser that goes offline can keep its socket open but silent (Chromium does; a lost network
 * leaves a dead connection that only a request's timeout reveals), and the SDK reconnects early on
 * `online` only when its socket is gone. So the client is closed while the browser is offline and
 * connected again once it is back, which resumes every room at once. The messages that were on
 * their way go again with their client_id, so each is stored once. Returns the function that
 * stops this.
 */
export function closeWhileOffline(
  client: ChatClient,
  resend: (message: PendingMessage) => void,
): () => void {
  const offline = () => {
    const waiting = client.pending();
    client.close();
    waiting.forEach(resend);
  };
  const online = () => {
    // A session that ends on the way is told by the client's `session.ended` event.
    if (client.state === 'closed') client.connect().catch(() => undefined);
  };
  window.addEventListener('offline', offline);
  window.addEventListener('online', online);
  return () => {
    window.removeEventListener('offline', offline);
    window.removeEventListener('online', online);
  };
}
