import { RawData, WebSocket } from 'ws';
import { ApiClient, createUser, TestUser } from '../../support/factories';

const OPEN_TIMEOUT_MS = 5_000;

/** A chat client of the load: one user on one server, its socket reopened on demand. */
interface Peer {
  user: TestUser;
  baseUrl: string;
  socket?: WebSocket;
  /** Message ids in the order they arrived (a listener's view of the room). */
  received: number[];
  /** The newest id received before the current socket opened: where a resume starts. */
  newestBeforeReconnect: number;
}

export interface LoadCounts {
  sent: number;
  acknowledged: number;
}

/**
 * Senders send at a steady rate, each message with a client_id of its own; a message counts as
 * acknowledged when its sender gets it back. Listeners only record what they receive. Unanswered
 * messages can be sent again with the same client_id, as a real client would.
 */
export class SteadyLoad {
  private readonly texts = new Map<string, { sender: Peer; text: string }>();
  /** client_id → message_id, for every acknowledged message. */
  readonly acknowledged = new Map<string, number>();
  /** The texts of every notice (`send user message` event) a peer got. */
  readonly notices = new Set<string>();
  private readonly ackTimes: number[] = [];
  private timer?: NodeJS.Timeout;
  private sequence = 0;

  private constructor(
    readonly tag: string,
    private readonly senders: Peer[],
    readonly listeners: Peer[],
  ) {}

  /** Connects everyone; nothing is sent until start(). */
  static async connect(
    tag: string,
    senders: { user: TestUser; baseUrl: string }[],
    listeners: { user: TestUser; baseUrl: string }[],
  ): Promise<SteadyLoad> {
    const peers = (list: typeof senders) =>
      list.map((peer) => ({ ...peer, received: [], newestBeforeReconnect: 0 }));
    const load = new SteadyLoad(tag, peers(senders), peers(listeners));
    await load.reconnect();
    return load;
  }

  /** `senders` and `listeners` new users, all on the one server that `app` talks to. */
  static async ofNewUsers(
    tag: string,
    app: ApiClient & { baseUrl: string },
    senders: number,
    listeners: number,
  ): Promise<SteadyLoad> {
    const peers: { user: TestUser; baseUrl: string }[] = [];
    for (let i = 0; i < senders + listeners; i++) {
      peers.push({ user: await createUser(app), baseUrl: app.baseUrl });
    }
    return SteadyLoad.connect(tag, peers.slice(0, senders), peers.slice(senders));
  }

  /** Each sender sends one new message every `intervalMs`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.sequence++;
      this.senders.forEach((sender, index) => {
        const clientId = `${this.tag}-${index}-${this.sequence}`;
        const text = `${this.tag} message ${this.sequence} from sender ${index}`;
        this.texts.set(clientId, { sender, text });
        this.sendFrame(sender, clientId, text);
      });
    }, intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reopens every socket that is not open. */
  async reconnect(): Promise<void> {
    await Promise.all([...this.senders, ...this.listeners].map((peer) => this.open(peer)));
  }

  /** Sends every unacknowledged message again, with its client_id, until all are acknowledged. */
  async resendUntilAcknowledged(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.size < this.texts.size && Date.now() < deadline) {
      for (const [clientId, { sender, text }] of this.texts) {
        if (!this.acknowledged.has(clientId)) this.sendFrame(sender, clientId, text);
      }
      await sleep(500);
    }
  }

  /** Sends every message ever sent again, acknowledged or not, with its client_id. */
  resendAll(): void {
    for (const [clientId, { sender, text }] of this.texts) this.sendFrame(sender, clientId, text);
  }

  /** Waits until a message is acknowledged after `since` (ms epoch); the time it took, in s. */
  async recoveredAfter(since: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const first = this.ackTimes.find((time) => time > since);
      if (first) return (first - since) / 1000;
      await sleep(50);
    }
    throw new Error(`no message was acknowledged within ${timeoutMs} ms of the recovery`);
  }

  /**
   * Each listener asks for everything after the newest message its previous socket got, as a
   * client does after a reconnect (live messages may already be arriving on the new one).
   */
  resumeListeners(): void {
    for (const listener of this.listeners) {
      const frame = { action: 'resume', after_id: listener.newestBeforeReconnect };
      listener.socket?.send(JSON.stringify(frame));
    }
  }

  counts(): LoadCounts {
    return { sent: this.texts.size, acknowledged: this.acknowledged.size };
  }

  close(): void {
    this.stop();
    for (const peer of [...this.senders, ...this.listeners]) peer.socket?.terminate();
  }

  private sendFrame(sender: Peer, clientId: string, text: string): void {
    if (sender.socket?.readyState !== WebSocket.OPEN) return;
    sender.socket.send(JSON.stringify({ message: text, client_id: clientId }));
  }

  private async open(peer: Peer): Promise<void> {
    if (peer.socket && peer.socket.readyState <= WebSocket.OPEN) return;
    peer.newestBeforeReconnect = peer.received.reduce((newest, id) => Math.max(newest, id), 0);
    const url = `${peer.baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(peer.user.token)}`;
    const socket = new WebSocket(url);
    peer.socket = socket;
    socket.on('error', () => undefined); // a dropped server shows as 'close'
    socket.on('message', (data: RawData) => this.receive(peer, JSON.parse(data.toString())));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${url} did not open`)), OPEN_TIMEOUT_MS);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error(`${url} closed before opening`));
      });
    });
  }

  private receive(
    peer: Peer,
    frame: { message_id?: number; client_id?: string; event?: string; message?: string },
  ) {
    if (frame.event === 'send user message') this.notices.add(String(frame.message));
    if (frame.event !== undefined || typeof frame.message_id !== 'number') return;
    peer.received.push(frame.message_id);
    const clientId = frame.client_id;
    if (clientId && this.texts.get(clientId)?.sender === peer && !this.acknowledged.has(clientId)) {
      this.acknowledged.set(clientId, frame.message_id);
      this.ackTimes.push(Date.now());
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Audit {
  acknowledged: number;
  lost: number;
  duplicated: number;
}

/**
 * Compares what was acknowledged with the rows stored, and the rows stored with what each
 * listener holds. Lost: acknowledged messages not stored as acknowledged, and stored messages a
 * listener never got. Duplicated: extra rows for one client_id, and repeated deliveries.
 */
export async function audit(
  load: SteadyLoad,
  query: (sql: string, parameters: unknown[]) => Promise<{ id: number; client_id: string }[]>,
): Promise<Audit> {
  const rows = await query(
    'SELECT id::int AS id, client_id FROM messages WHERE client_id LIKE $1',
    [`${load.tag}-%`],
  );
  const stored = new Map(rows.map((row) => [row.client_id, row.id]));
  let lost = 0;
  for (const [clientId, id] of load.acknowledged) if (stored.get(clientId) !== id) lost++;
  let duplicated = rows.length - stored.size;
  const storedIds = new Set(stored.values());
  for (const listener of load.listeners) {
    const received = listener.received.filter((id) => storedIds.has(id));
    const distinct = new Set(received);
    duplicated += received.length - distinct.size;
    for (const id of storedIds) if (!distinct.has(id)) lost++;
  }
  return { acknowledged: load.acknowledged.size, lost, duplicated };
}
