import { isRoomFrame, SUBPROTOCOL } from '@chat/protocol';
import { WebSocket } from 'ws';
import { SeqCursor } from './seq-cursor';

/** The general room (docs/protocol.md): every user is in it, every socket hears its messages. */
export const GENERAL_ROOM = 1;

export interface StackSocketEvents {
  /** A message of the general room arrived, live or replayed by a resume. */
  message(socket: StackSocket, text: string): void;
  /** The socket closed without the bench closing it (its instance went away). */
  dropped(socket: StackSocket): void;
}

interface ServerFrame {
  type: string;
  req?: string;
  room_id?: number;
  seq?: number;
  recovered?: boolean;
  rooms?: { room_id: number; last_seq: number }[];
  message?: { message?: string };
  code?: string;
}

/**
 * One protocol v2 socket as a client keeps it (without the SDK, whose per-frame cost at 10,000
 * sockets would be the load generator's): authenticates in its first frame, counts the general
 * room's changes in order, and after a drop resumes from the last one it has without a gap.
 */
export class StackSocket {
  /** Resumes the server answered `recovered: false` (more missed than it replays). */
  unrecovered = 0;
  /** Changes received twice on one connection: the server promises each once per resume. */
  repeats = 0;
  private readonly general = new SeqCursor();
  /** The seqs of the general room received on the current connection. */
  private onThisConnection = new Set<number>();
  private socket?: WebSocket;
  private closing = false;

  constructor(
    readonly index: number,
    private readonly url: string,
    private readonly token: string,
    private readonly events: StackSocketEvents,
  ) {}

  /**
   * Opens a connection and authenticates; with `resume`, in the same breath resumes the general
   * room from where the socket has every change, as the SDK does. Resolves at the last answer (the auth's or the resume's
   * ack); rejects when the connection fails, is refused, or takes longer than `timeoutMs`.
   */
  connect(timeoutMs: number, resume = false): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`socket ${this.index}: closed for good`));
    const socket = new WebSocket(this.url, SUBPROTOCOL, { perMessageDeflate: false });
    this.socket = socket;
    this.onThisConnection = new Set();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let ready = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.terminate();
        reject(new Error(`socket ${this.index}: ${why}`));
      };
      const timer = setTimeout(() => fail('no answer in time'), timeoutMs);
      socket.on('error', (error) => fail(error.message));
      socket.once('close', (code) => {
        if (!settled) return fail(`closed (${code})`);
        // Only a socket that was ready drops: a failed attempt is its reconnector's to retry.
        if (ready && this.socket === socket && !this.closing) this.events.dropped(this);
      });
      socket.once('open', () => {
        socket.send(JSON.stringify({ type: 'auth', token: this.token, req: 'auth' }));
        if (resume) {
          const rooms = { [GENERAL_ROOM]: this.general.last };
          socket.send(JSON.stringify({ type: 'resume', req: 'resume', rooms }));
        }
      });
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ServerFrame;
        this.take(frame);
        if (settled) return;
        if (frame.type === 'error') return fail(`${frame.code} to ${frame.req}`);
        if (frame.type !== 'ack' || frame.req !== (resume ? 'resume' : 'auth')) return;
        if (!resume) this.general.startAt(generalSeqOf(frame) ?? this.general.last);
        settled = true;
        ready = true;
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is open; false otherwise. */
  send(frame: object): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes for good, without a drop; resolves when the socket is closed. */
  close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  private take(frame: ServerFrame): void {
    if (frame.type === 'resumed' && frame.recovered === false) this.unrecovered++;
    const seq = frame.seq;
    if (frame.room_id !== GENERAL_ROOM || !isRoomFrame(frame) || seq === undefined) return;
    if (this.onThisConnection.has(seq)) this.repeats++;
    this.onThisConnection.add(seq);
    // A change had on an earlier connection comes again when a resume starts before it.
    if (!this.general.receive(seq)) return;
    if (frame.type === 'message.new') this.events.message(this, frame.message?.message ?? '');
  }
}

function generalSeqOf(ack: ServerFrame): number | undefined {
  return ack.rooms?.find((room) => room.room_id === GENERAL_ROOM)?.last_seq;
}
