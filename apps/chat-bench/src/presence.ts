import { performance } from 'node:perf_hooks';
import { SUBPROTOCOL } from '@chat/protocol';
import { WebSocket } from 'ws';
import { analyzeDatabase } from './bench-database';
import { closeSockets } from './load';
import { roomLayout } from './room-layout';
import { setUpRooms } from './room-setup';
import { isAck } from './room-wire';
import type { PresenceProfile } from './bench-profile';
import { RunningServer } from './servers';

/** What one presence run saw: N users connecting at once, then all but the watcher leaving. */
export interface PresenceResult {
  /** Sockets, one user each, the watcher included. */
  users: number;
  roomSize: number;
  /** From the first of the others' connects until the last of them was signed in. */
  connectMs: number;
  /** From the first connect until the watcher's general room counted every user online. */
  allOnlineMs: number;
  /** From the first connect until the watcher had each of its room's members online, one by one. */
  roommatesOnlineMs: number;
  /** From the others' closing until the watcher's general room counted only the watcher. */
  allOfflineMs: number;
  /** Presence changes: each other user going online, then offline. */
  changes: number;
  /** `presence` and `presence.count` frames received by every socket over both phases. */
  frames: number;
  /** What the naive design (every change to every signed-in socket) would have sent. */
  naiveFrames: number;
}

const GENERAL_ROOM = 1;
const CONNECT_TIMEOUT_MS = 60_000;
const CONVERGE_TIMEOUT_MS = 30_000;
/** After convergence, for frames still in the server's coalescing windows to arrive and count. */
const SETTLE_MS = 2_000;
const PRESENCE_PREFIX = Buffer.from('{"type":"presence');

/**
 * The naive design's frames for `users` sockets connecting one after another and all but the
 * first leaving again: each change goes to every socket signed in at that moment, the changing
 * user's own excepted.
 */
export function naivePresenceFrames(users: number): number {
  // The k-th to connect (k from 1) is told to the k - 1 before it; leaving, the same in reverse.
  return users * (users - 1);
}

/**
 * The presence scenario on one chat server: `users` users, each in a room of `roomSize` and in
 * general, `rounds` times. In each, the watcher (user 0) connects first, then every other socket at
 * once, then all but the watcher leave. The watcher sees the general room's count (a large room)
 * and its own room's members one by one (a small room).
 */
export async function presenceRounds(
  server: RunningServer,
  profile: PresenceProfile,
  rounds: number,
  databaseUrl: string,
): Promise<PresenceResult[]> {
  const layout = roomLayout(profile.users, profile.roomSize);
  const { tokens, userIds } = await setUpRooms(server.httpUrl, layout, 'presence');
  await analyzeDatabase(databaseUrl);
  const results: PresenceResult[] = [];
  for (let round = 0; round < rounds; round++) {
    results.push(await presenceRun(server.wsUrl, tokens, userIds, profile.roomSize));
  }
  return results;
}

async function presenceRun(
  wsUrl: string,
  tokens: string[],
  userIds: number[],
  roomSize: number,
): Promise<PresenceResult> {
  const users = tokens.length;
  let frames = 0;
  const watcher = new Watcher(users, userIds.slice(1, roomSize));
  const count = (data: Buffer) => {
    if (isPresenceFrame(data)) frames++;
  };

  const first = await signIn(wsUrl, tokens[0], (data) => {
    count(data);
    watcher.read(data);
  });
  const started = performance.now();
  const others = await Promise.all(tokens.slice(1).map((token) => signIn(wsUrl, token, count)));
  const connectMs = performance.now() - started;
  await until(() => watcher.generalOnline >= users && watcher.roommatesLeft() === 0);
  const allOnlineMs = watcher.allOnlineAt - started;
  const roommatesOnlineMs = watcher.roommatesOnlineAt - started;
  await sleep(SETTLE_MS);

  const leaving = performance.now();
  await closeSockets(others);
  await until(() => watcher.generalOnline === 1);
  const allOfflineMs = performance.now() - leaving;
  await sleep(SETTLE_MS);
  await closeSockets([first]);
  return {
    users,
    roomSize,
    connectMs,
    allOnlineMs,
    roommatesOnlineMs,
    allOfflineMs,
    changes: 2 * (users - 1),
    frames,
    naiveFrames: naivePresenceFrames(users),
  };
}

/** The first socket's view: the general room's online count and its roommates' statuses. */
class Watcher {
  generalOnline = 0;
  allOnlineAt = NaN;
  roommatesOnlineAt = NaN;
  private readonly waitingFor: Set<number>;

  constructor(
    private readonly users: number,
    roommates: number[],
  ) {
    this.waitingFor = new Set(roommates);
  }

  read(data: Buffer): void {
    if (!isPresenceFrame(data)) return;
    const frame = JSON.parse(data.toString('utf8')) as PresenceFrames;
    const now = performance.now();
    if (frame.type === 'presence.count' && frame.room_id === GENERAL_ROOM) {
      this.generalOnline = frame.online;
      if (this.generalOnline >= this.users && Number.isNaN(this.allOnlineAt)) {
        this.allOnlineAt = now;
      }
    } else if (frame.type === 'presence' && frame.status !== 'offline') {
      this.waitingFor.delete(frame.user_id);
      if (this.waitingFor.size === 0 && Number.isNaN(this.roommatesOnlineAt)) {
        this.roommatesOnlineAt = now;
      }
    }
  }

  roommatesLeft(): number {
    return this.waitingFor.size;
  }
}

type PresenceFrames =
  | { type: 'presence.count'; room_id: number; online: number }
  | { type: 'presence'; user_id: number; status: string };

function isPresenceFrame(data: Buffer): boolean {
  return (
    data.length >= PRESENCE_PREFIX.length &&
    data.compare(PRESENCE_PREFIX, 0, PRESENCE_PREFIX.length, 0, PRESENCE_PREFIX.length) === 0
  );
}

/** A chat.v2 socket signed in (its auth acknowledged), handing every later frame to `onFrame`. */
function signIn(wsUrl: string, token: string, onFrame: (data: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, SUBPROTOCOL);
    const timer = setTimeout(() => reject(new Error('sign-in timed out')), CONNECT_TIMEOUT_MS);
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token, req: 'a' })));
    socket.on('message', (data: Buffer) => {
      // Others' presence may come before the answer to auth.
      if (isAck(data)) {
        clearTimeout(timer);
        resolve(socket);
      } else {
        onFrame(data);
      }
    });
  });
}

async function until(done: () => boolean): Promise<void> {
  const deadline = performance.now() + CONVERGE_TIMEOUT_MS;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('presence did not converge in time');
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
