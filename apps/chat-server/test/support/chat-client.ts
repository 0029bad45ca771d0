import { RawData, WebSocket } from 'ws';

const WAIT_MS = 5_000;

export type Frame = Record<string, unknown>;

/** A real `ws` client that records every frame it receives. */
export class ChatClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  static async connect(baseUrl: string, token?: string): Promise<ChatClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const socket = new WebSocket(url);
    const client = new ChatClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first recorded frame matching `predicate`, waiting up to 5 s for it. */
  async next(predicate: (frame: Frame) => boolean, label = 'a matching frame'): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no ${label} within ${WAIT_MS} ms; got ${JSON.stringify(this.frames)}`);
      }
      await this.waitForActivity(deadline - Date.now());
    }
  }

  /** Waits until `count` chat messages (frames without `event`) have arrived. */
  async messages(count: number): Promise<Frame[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const messages = this.frames.filter((frame) => !('event' in frame));
      if (messages.length >= count) return messages;
      if (Date.now() > deadline || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`expected ${count} messages, got ${messages.length}`);
      }
      await this.waitForActivity(deadline - Date.now());
    }
  }

  close(): void {
    this.socket.close();
  }

  private waitForActivity(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 0));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Gives frames in flight a moment to arrive, for assertions that something did not happen. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
