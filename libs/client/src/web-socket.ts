/**
 * What the SDK needs of a WebSocket: the browser's and the `ws` package's both fit. Listeners are
 * declared as methods so either implementation's event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: () => void): void;
}

export type WebSocketConstructor = new (url: string, protocols: string) => WebSocketLike;

export const OPEN = 1;

/**
 * The WebSocket class to use: the one given, the platform's own (browsers, Node 22+), or the `ws`
 * package (Node 20, which has none by default).
 */
export async function resolveWebSocket(
  given?: WebSocketConstructor,
): Promise<WebSocketConstructor> {
  if (given) return given;
  const native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (native) return native;
  try {
    // A name in a variable: bundlers leave it alone (browsers never get here).
    const name = 'ws';
    const ws = (await import(/* @vite-ignore */ name)) as { WebSocket: WebSocketConstructor };
    return ws.WebSocket;
  } catch {
    throw new Error('No WebSocket here: install the "ws" package or pass options.WebSocket');
  }
}

/** The socket URL of a server given by its HTTP base URL: http://host:8000 -> ws://host:8000/ws. */
export function socketUrl(baseUrl: string): string {
  const url = new URL('/ws', baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
