import { ApiClient } from '../../support/factories';
import { sleep } from './steady-load';

const POLL_MS = 100;

/**
 * Polls /health/ready until it answers 200; the seconds from `since` until then. The first poll
 * waits one interval, so a fault just caused is not mistaken for a recovery.
 */
export async function secondsUntilReady(
  api: ApiClient,
  since = Date.now(),
  timeoutMs = 30_000,
): Promise<number> {
  while (Date.now() - since < timeoutMs) {
    await sleep(POLL_MS);
    if ((await api.http.get('/health/ready')).status === 200) return (Date.now() - since) / 1000;
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}
