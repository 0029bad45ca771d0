import type { ChatMessage } from './api';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export type ServerFrame =
  | ChatMessage
  | { event: 'update'; message_id: number; new_message: string }
  | { event: 'delete'; message_id: number }
  | { event: 'avatar'; user_id: number; user_avatar: string }
  | { event: 'user'; user_id: number; name: string; role: number; user_avatar: string }
  | { event: 'resume'; recovered: boolean; latest_id: number }
  | { event: 'auth'; user_id: number }
  | { event: 'send user message'; message: string };

export interface SocketHandlers {
  frame(frame: ServerFrame): void;
  state(state: ConnectionState): void;
  /** A new socket is open and has asked for what was missed: unsent messages may go now. */
  opened(): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
const CLOSE_POLICY_VIOLATION = 1008;

/**
 * The room's socket: authenticated by its first frame, and reopened with a growing delay whenever it
 * drops (at once when the browser comes back online). Each new socket first asks to `resume`
 * after the newest message the page holds, so nothing sent meanwhile is missed.
 */
export class ChatSocket {
  private socket?: WebSocket;
  private retryDelay = FIRST_RETRY_MS;
  private retryTimer?: number;
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly newestId: () => number,
    private readonly handlers: SocketHandlers,
  ) {}

  start(): void {
    window.addEventListener('offline', this.wentOffline);
    window.addEventListener('online', this.cameOnline);
    this.open('connecting');
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('offline', this.wentOffline);
    window.removeEventListener('online', this.cameOnline);
    clearTimeout(this.retryTimer);
    this.socket?.close(1000);
  }

  /** Sends a frame if the socket is open; false if it is not. */
  send(frame: object): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private open(state: ConnectionState): void {
    this.handlers.state(state);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The token goes in the first frame, not the URL, which proxies write to their logs.
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    this.socket = socket;
    socket.onopen = () => {
      this.retryDelay = FIRST_RETRY_MS;
      socket.send(JSON.stringify({ action: 'auth', token: this.token }));
      socket.send(JSON.stringify({ action: 'resume', after_id: this.newestId() }));
      this.handlers.state('online');
      this.handlers.opened();
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      try {
        this.handlers.frame(JSON.parse(event.data) as ServerFrame);
      } catch {
        // not JSON: the server never sends that; ignore it
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      // 1008 follows "Invalid token" or "Token expired": retrying with this token cannot help.
      if (event.code === CLOSE_POLICY_VIOLATION) return;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (!navigator.onLine) return this.handlers.state('offline');
    this.handlers.state('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.open('reconnecting'), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
  }

  private readonly wentOffline = () => {
    this.handlers.state('offline');
    this.socket?.close();
  };

  private readonly cameOnline = () => {
    if (this.stopped || this.socket?.readyState === WebSocket.OPEN) return;
    clearTimeout(this.retryTimer);
    this.retryDelay = FIRST_RETRY_MS;
    this.open('reconnecting');
  };
}
