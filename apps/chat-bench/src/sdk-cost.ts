import { performance } from 'node:perf_hooks';
import { ChatClient, WebSocketLike } from '@chat/client';

/** What the SDK costs per frame it receives, against the bench's thin path (a JSON.parse). */
export interface SdkCost {
  frames: number;
  /** µs per message.new frame through ChatClient: parse, schema check, dedupe, store, event. */
  sdkMicros: number;
  /** µs per frame for JSON.parse alone, more than the load's sockets do (a prefix compare). */
  parseMicros: number;
}

type Listener = (event: { data: unknown; code: number; reason: string }) => void;

/**
 * A socket connected to nothing: it opens, acknowledges auth, and lets the bench hand the client
 * frames directly, so only the client's own work is timed.
 */
class LocalSocket implements WebSocketLike {
  readyState = 0;
  private readonly listeners = new Map<string, Listener[]>();

  constructor() {
    setImmediate(() => {
      this.readyState = 1;
      this.fire('open', undefined);
    });
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    const frame = JSON.parse(data) as { type: string; req: string };
    if (frame.type !== 'auth') return;
    const ack = { type: 'ack', req: frame.req, user_id: 1, rooms: [{ room_id: 1, last_seq: 0 }] };
    setImmediate(() => this.fire('message', JSON.stringify(ack)));
  }

  close(): void {
    this.readyState = 3;
  }

  deliver(data: string): void {
    this.fire('message', data);
  }

  private fire(type: string, data: unknown): void {
    for (const listener of this.listeners.get(type) ?? [])
      listener({ data, code: 1000, reason: '' });
  }
}

export async function sdkFrameCost(frames: number): Promise<SdkCost> {
  const opened: LocalSocket[] = [];
  const client = new ChatClient({
    url: 'http://127.0.0.1:1',
    token: 'bench',
    WebSocket: class extends LocalSocket {
      constructor() {
        super();
        opened.push(this);
      }
    },
  });
  let received = 0;
  client.on('message.new', () => received++);
  await client.connect();
  // Each pass gets the room's next numbers: a repeat would be dropped, which costs less.
  const pass = (n: number) =>
    Array.from({ length: frames }, (_, i) => JSON.stringify(messageNew(n * frames + i + 1)));
  const [warm, measure] = [pass(0), pass(1)];
  // Both paths warm first, so that neither pays for the JIT or the other's garbage.
  timePerFrame(warm, (frame) => JSON.parse(frame));
  timePerFrame(warm, (frame) => opened[0].deliver(frame));
  const measured = {
    sdk: timePerFrame(measure, (frame) => opened[0].deliver(frame)),
    parse: timePerFrame(measure, (frame) => JSON.parse(frame)),
  };
  client.close();
  if (received !== frames * 2) throw new Error(`the SDK handed on ${received} of ${frames * 2}`);
  return { frames, sdkMicros: measured.sdk, parseMicros: measured.parse };
}

function timePerFrame(data: string[], handle: (frame: string) => void): number {
  const start = performance.now();
  for (const frame of data) handle(frame);
  return ((performance.now() - start) * 1000) / data.length;
}

function messageNew(seq: number) {
  return {
    type: 'message.new',
    room_id: 1,
    seq,
    message: {
      message_id: seq,
      user_id: 2,
      name: 'bench-sender',
      role: 1,
      user_avatar: '/static/avatars/default.webp',
      message: `message ${seq} of the SDK cost measure`,
      time_send: '12:00:00',
      created_at: '2026-12-05T12:00:00.000Z',
      edited: false,
      room_id: 1,
      seq,
      edited_at: null,
      mentions: [],
    },
  };
}
