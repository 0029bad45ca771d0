import { RawData, WebSocket } from 'ws';
import { TestUser } from './factories';

/**
 * One user on one server through a chat.v2 socket, recording the room frames it receives (their
 * room, number and message id) and the acknowledgements of what it sends.
 */
export class V2RoomPeer {
  /** Per room: every number received, in arrival order. */
  readonly seqs = new Map<number, number[]>();
  /** Per room: the ids of the messages received, in arrival order. */
  readonly messageIds = new Map<number, number[]>();
  /** client_id → message id, for each message.send acknowledged. */
  readonly acknowledged = new Map<string, number>();
  private readonly pending = new Map<string, string>();
  private requests = 0;

  private constructor(
    readonly user: TestUser,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data: RawData) => this.receive(JSON.parse(data.toString())));
  }

  static async connect(user: TestUser, baseUrl: string): Promise<V2RoomPeer> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, 'chat.v2');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const peer = new V2RoomPeer(user, socket);
    const authenticated = new Promise<void>((resolve, reject) => {
      socket.on('message', (data: RawData) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        if (frame.req === 'auth') {
          if (frame.type === 'ack') resolve();
          else reject(new Error(JSON.stringify(frame)));
        }
      });
    });
    socket.send(JSON.stringify({ type: 'auth', token: user.token, req: 'auth' }));
    await authenticated;
    return peer;
  }

  /** Sends a message (again, with the same client_id, if unacknowledged). */
  send(roomId: number, clientId: string, text: string): void {
    if (this.acknowledged.has(clientId) || this.socket.readyState !== WebSocket.OPEN) return;
    const req = `m${++this.requests}`;
    this.pending.set(req, clientId);
    this.socket.send(
      JSON.stringify({ type: 'message.send', req, room_id: roomId, text, client_id: clientId }),
    );
  }

  close(): void {
    this.socket.close();
  }

  private receive(frame: Record<string, unknown>): void {
    if (typeof frame.req === 'string' && this.pending.has(frame.req)) {
      const clientId = this.pending.get(frame.req)!;
      this.pending.delete(frame.req);
      const message = frame.message as { message_id: number } | undefined;
      if (frame.type === 'ack' && message) this.acknowledged.set(clientId, message.message_id);
      return;
    }
    if (typeof frame.room_id !== 'number' || typeof frame.seq !== 'number') return;
    push(this.seqs, frame.room_id, frame.seq);
    if (frame.type === 'message.new') {
      push(this.messageIds, frame.room_id, (frame.message as { message_id: number }).message_id);
    }
  }
}

function push(lists: Map<number, number[]>, key: number, value: number): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
