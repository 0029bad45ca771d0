import { WebSocket } from 'ws';
import { ChatClient, ChatHttp, RoomMessage } from '@chat/client';
import { PASSWORD, uniqueName } from '../../support/factories';
import { sleep } from './steady-load';

const POLL_MS = 50;
const CONNECT_TIMEOUT_MS = 10_000;
/** Short waits between reconnect attempts, so a test does not spend its time in backoff. */
const BACKOFF = { initialDelayMs: 200, maxDelayMs: 2_000 };

/** A message.new frame as the SDK handed it to the app. */
export interface Delivery {
  seq: number;
  messageId: number;
  clientId?: string;
}

/** One user with a ChatClient of their own, and what that client handed to the app. */
export interface SdkMember {
  userId: number;
  client: ChatClient;
  /** Per room, the message.new frames in the order the app got them. */
  deliveries: Map<number, Delivery[]>;
  /** Times the client authenticated again after a drop. */
  reconnects: number;
  /** Frames the SDK dropped as breaking the protocol, and listeners that threw. */
  problems: string[];
}

/**
 * Users signed up through the SDK's HTTP helpers, each with a ChatClient on `baseUrl` (with `ws`
 * as its WebSocket), all members of the same private rooms, which the first user created.
 */
export class SdkMembers {
  private constructor(
    readonly members: SdkMember[],
    readonly roomIds: number[],
  ) {}

  static async create(
    baseUrl: string,
    users: number,
    rooms: number,
    tag: string,
  ): Promise<SdkMembers> {
    const signUp = new ChatHttp({ url: baseUrl });
    const members: SdkMember[] = [];
    for (let i = 0; i < users; i++) {
      const name = uniqueName('sdk');
      await signUp.register(name, PASSWORD);
      const { token, user_id } = await signUp.login(name, PASSWORD);
      members.push(newMember(baseUrl, token, user_id));
    }
    const [owner, ...others] = members;
    const roomIds: number[] = [];
    for (let r = 0; r < rooms; r++) {
      const room = await owner.client.http.createRoom({ name: `${tag} ${r}`, kind: 'private' });
      for (const other of others) await owner.client.http.addMember(room.id, other.userId);
      roomIds.push(room.id);
    }
    const connected = Promise.all(members.map((member) => member.client.connect()));
    await withDeadline(connected, CONNECT_TIMEOUT_MS, 'every client connected');
    return new SdkMembers(members, roomIds);
  }

  get reconnects(): number {
    return this.members.reduce((sum, member) => sum + member.reconnects, 0);
  }

  /** Waits (up to `timeoutMs`) until every member was handed `count` messages in every room. */
  untilDelivered(count: number, timeoutMs: number): Promise<boolean> {
    return within(timeoutMs, () =>
      this.members.every((member) =>
        this.roomIds.every((roomId) => (member.deliveries.get(roomId)?.length ?? 0) >= count),
      ),
    );
  }

  /** Every message of a room, oldest first, read page by page over HTTP. */
  async history(roomId: number, maxPages: number): Promise<RoomMessage[]> {
    const http = this.members[0].client.http;
    const messages: RoomMessage[] = [];
    for (let page = 0; page < maxPages; page++) {
      const afterSeq = messages.at(-1)?.seq ?? 0;
      const next = await http.messages(roomId, { afterSeq, limit: 100 });
      if (next.length === 0) return messages;
      messages.push(...next);
    }
    throw new Error(`room ${roomId} has more than ${maxPages} pages`);
  }

  close(): void {
    for (const member of this.members) member.client.close();
  }
}

function newMember(baseUrl: string, token: string, userId: number): SdkMember {
  const client = new ChatClient({ url: baseUrl, token, WebSocket, backoff: BACKOFF });
  const member: SdkMember = { userId, client, deliveries: new Map(), reconnects: 0, problems: [] };
  client.on('message.new', (frame) => {
    const list = member.deliveries.get(frame.room_id) ?? [];
    list.push({ seq: frame.seq, messageId: frame.message.message_id, clientId: frame.client_id });
    member.deliveries.set(frame.room_id, list);
  });
  client.on('ready', (event) => {
    if (event.reconnected) member.reconnects++;
  });
  client.on('problem', (problem) => member.problems.push(problem.detail));
  return member;
}

/** Polls `condition` until it holds (true) or `timeoutMs` passed (false). */
export async function within(timeoutMs: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const polls = Math.ceil(timeoutMs / POLL_MS);
  for (let poll = 0; poll < polls && Date.now() < deadline; poll++) {
    if (condition()) return true;
    await sleep(POLL_MS);
  }
  return condition();
}

async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Not within ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
