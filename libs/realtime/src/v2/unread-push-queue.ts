import { UnreadConcern } from './unread-concern';

/**
 * The counts a room's push reads: those of `users` (every user with sockets in the room here for
 * `room`) whose marker is before message `seq` and who are not `authorId` (anyone, when null).
 */
export interface WantedCounts {
  seq: number;
  authorId: number | null;
  users: ReadonlySet<number> | 'room';
}

/**
 * One push for two changes: everyone either concerns, for whom either message is unread. A marker
 * before either message is before the later one, so the later number filters; the author's own
 * counts are left out only when both messages are theirs. A push sends counts as the database
 * holds them when it reads them, so pushing to a member neither change concerned is harmless.
 */
export function mergeWanted(
  wanted: WantedCounts | undefined,
  concern: UnreadConcern,
): WantedCounts {
  const { seq, authorId } = concern.message;
  const users = concern.users === 'room' ? 'room' : new Set(concern.users);
  if (!wanted) return { seq, authorId, users };
  return {
    seq: Math.max(wanted.seq, seq),
    authorId: wanted.authorId === authorId ? authorId : null,
    users:
      wanted.users === 'room' || users === 'room' ? 'room' : new Set([...wanted.users, ...users]),
  };
}

/**
 * Unread pushes waiting their turn: at most `atOnce` run at once, and one per room; the changes
 * of a room that come while its push waits or runs are merged into its next one (mergeWanted).
 * Rooms take their turns in the order they started waiting. So a stream of changes in a busy room
 * costs at most one count of its members at a time, and the database pool is left to requests.
 */
export class UnreadPushQueue {
  /** Rooms waiting, in the order they started to. */
  private readonly waiting = new Map<number, WantedCounts>();
  private readonly running = new Set<number>();

  /** `push` never rejects. */
  constructor(
    private readonly atOnce: number,
    private readonly push: (roomId: number, wanted: WantedCounts) => Promise<void>,
  ) {}

  add(roomId: number, concern: UnreadConcern): void {
    this.waiting.set(roomId, mergeWanted(this.waiting.get(roomId), concern));
    this.startNext();
  }

  private startNext(): void {
    for (const [roomId, wanted] of this.waiting) {
      if (this.running.size >= this.atOnce) return;
      if (this.running.has(roomId)) continue;
      this.waiting.delete(roomId);
      this.running.add(roomId);
      const done = () => {
        this.running.delete(roomId);
        this.startNext();
      };
      void this.push(roomId, wanted).then(done, done);
    }
  }
}
