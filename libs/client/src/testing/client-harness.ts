import { ChatClient, ChatClientEvents, ChatClientOptions } from '../chat-client';
import type { FakeChatServer } from './fake-chat-server';

/** With `random` at 0.5 every wait is half its ceiling: 250 ms, 500 ms, 1 s... */
export const HALF = (): number => 0.5;

/** A client of the fake server; the network is the fake socket and fetch, never the machine's. */
export function clientOf(
  server: FakeChatServer,
  token: ChatClientOptions['token'],
  options: Partial<ChatClientOptions> = {},
): ChatClient {
  return new ChatClient({
    url: 'http://chat.test',
    token,
    WebSocket: server.WebSocket,
    fetch: server.fetch,
    random: HALF,
    ...options,
  });
}

/** Every event of a type the client emits from now on, in order. */
export function recorded<K extends keyof ChatClientEvents>(
  client: ChatClient,
  type: K,
): ChatClientEvents[K][] {
  const events: ChatClientEvents[K][] = [];
  client.on(type, (event) => events.push(event));
  return events;
}

/** Lets every frame on its way arrive and every answer to it go, without moving the clock. */
export async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

/** Moves the fake clock on, running what falls due meanwhile. */
export async function wait(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

/** How a promise ended so far: 'pending', or what it resolved or rejected with. */
export function outcome<T>(promise: Promise<T>): {
  state: 'pending' | 'resolved' | 'rejected';
  value?: unknown;
} {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; value?: unknown } = {
    state: 'pending',
  };
  promise.then(
    (value) => Object.assign(seen, { state: 'resolved', value }),
    (error: unknown) => Object.assign(seen, { state: 'rejected', value: error }),
  );
  return seen;
}
