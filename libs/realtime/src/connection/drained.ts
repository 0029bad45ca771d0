import { ClientConnection } from './client-connection';

const DRAIN_POLL_MS = 10;
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Waits, within bounds, until the socket has sent what it holds: a replay reads its next page
 * only then. False when the socket closed or did not drain in time.
 */
export async function drained(connection: ClientConnection): Promise<boolean> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (connection.isOpen && connection.bufferedBytes > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  return connection.isOpen;
}
