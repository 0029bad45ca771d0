import type { RoomMessage } from '@chat/protocol';
import { isTransient } from './errors';

/** A message handed to `send` and not yet stored or refused. */
export interface PendingMessage {
  clientId: string;
  roomId: number;
  text: string;
  /** Why the last attempt did not go through, when it was refused for now (it goes again). */
  lastError?: string;
}

interface Entry extends PendingMessage {
  resolve(message: RoomMessage): void;
  reject(error: unknown): void;
  /** Failed attempts so far that may succeed later (rate limited, unavailable). */
  retries: number;
}

export interface OutboxTransport {
  /** Sends one message; resolves with it as stored, rejects with why not. */
  transmit(message: PendingMessage): Promise<RoomMessage>;
  /** The wait before attempt `retries` + 1 after a refusal that may pass. */
  retryDelay(retries: number): number;
  newClientId(): string;
  /** What is waiting in a room changed: a message added, settled, or refused for now. */
  changed(roomId: number): void;
}

/**
 * Messages on their way. Each room sends one message at a time, in the order `send` was called,
 * so a refusal or a drop can never put a later message before an earlier one. A message goes
 * again, with the same client_id, after every reconnect until the server answers: the server
 * stores a client_id once per author and room, so a resend never makes a second message.
 */
export class Outbox {
  private readonly rooms = new Map<number, Entry[]>();
  private readonly busy = new Set<number>();
  private readonly retryTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private online = false;

  constructor(private readonly transport: OutboxTransport) {}

  add(roomId: number, text: string, clientId = this.transport.newClientId()): Promise<RoomMessage> {
    return new Promise<RoomMessage>((resolve, reject) => {
      const queue = this.rooms.get(roomId) ?? [];
      queue.push({ clientId, roomId, text, resolve, reject, retries: 0 });
      this.rooms.set(roomId, queue);
      this.transport.changed(roomId);
      this.pump(roomId);
    });
  }

  /** What is waiting, oldest first (of one room, or of all). */
  pending(roomId?: number): PendingMessage[] {
    const queues = roomId === undefined ? [...this.rooms.values()] : [this.rooms.get(roomId) ?? []];
    return queues
      .flat()
      .map(({ clientId, roomId, text, lastError }) =>
        lastError === undefined
          ? { clientId, roomId, text }
          : { clientId, roomId, text, lastError },
      );
  }

  /** The connection is ready: every room sends its oldest message. */
  resume(): void {
    this.online = true;
    for (const roomId of this.rooms.keys()) this.pump(roomId);
  }

  /** The connection is gone: messages wait (those in flight are sent again once back). */
  pause(): void {
    this.online = false;
  }

  /** The user is out of the room: its waiting messages can never be stored. */
  dropRoom(roomId: number, error: unknown): void {
    const queue = this.rooms.get(roomId) ?? [];
    this.rooms.delete(roomId);
    clearTimeout(this.retryTimers.get(roomId));
    this.retryTimers.delete(roomId);
    for (const entry of queue) entry.reject(error);
    if (queue.length > 0) this.transport.changed(roomId);
  }

  /** Rejects everything (the client closed). */
  clear(error: unknown): void {
    for (const roomId of [...this.rooms.keys()]) this.dropRoom(roomId, error);
  }

  private pump(roomId: number): void {
    const head = this.rooms.get(roomId)?.[0];
    if (!head || !this.online || this.busy.has(roomId) || this.retryTimers.has(roomId)) return;
    this.busy.add(roomId);
    this.transport.transmit(head).then(
      (message) => this.settle(head, () => head.resolve(message)),
      (error: unknown) => {
        if (!isTransient(error)) return this.settle(head, () => head.reject(error));
        this.busy.delete(roomId);
        if ((error as { code?: string }).code === 'not_connected') {
          // Not refused but not sent: an earlier refusal no longer says why it waits.
          if (head.lastError !== undefined) {
            head.lastError = undefined;
            this.transport.changed(roomId);
          }
          return; // resume() sends it
        }
        // Refused for now (rate limited, unavailable, timed out): wait, then the same message again.
        head.lastError = (error as Error).message;
        this.transport.changed(roomId);
        const timer = setTimeout(() => {
          this.retryTimers.delete(roomId);
          this.pump(roomId);
        }, this.transport.retryDelay(head.retries++));
        this.retryTimers.set(roomId, timer);
      },
    );
  }

  private settle(entry: Entry, tell: () => void): void {
    const queue = this.rooms.get(entry.roomId);
    if (queue?.[0] === entry) queue.shift();
    if (queue?.length === 0) this.rooms.delete(entry.roomId);
    this.busy.delete(entry.roomId);
    tell();
    this.transport.changed(entry.roomId);
    this.pump(entry.roomId);
  }
}
