import { performance } from 'node:perf_hooks';

const TICK_MS = 5;
const DRAIN_MS = 2_000;

/**
 * Calls `send(k)` for k = 0, 1, 2, ... at `rate` per second for `durationMs`, catching up every
 * few milliseconds (a timer cannot fire once per message at thousands per second). Returns how
 * many were sent.
 */
export async function paced(
  rate: number,
  durationMs: number,
  send: (k: number) => void,
): Promise<number> {
  let sent = 0;
  const total = Math.floor((durationMs / 1000) * rate);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((elapsed / 1000) * rate), total);
      while (sent < due) send(sent++);
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  return sent;
}

/** Waits until `done()` or for at most two seconds, for what is still on its way. */
export async function drain(done: () => boolean): Promise<void> {
  const until = performance.now() + DRAIN_MS;
  while (!done() && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
