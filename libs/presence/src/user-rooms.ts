/**
 * How long a user's rooms, once read, serve their announcements: a client toggling its status
 * costs one read per this time. Membership events forget them sooner.
 */
const TRUSTED_MS = 10_000;
const MAX_USERS = 10_000;

/**
 * Users' rooms for presence announcements. The read itself is kept (not its answer), so a user
 * forgotten while it runs is read afresh next time, and reads at once for one user are shared.
 */
export class UserRooms {
  private readonly known = new Map<number, { rooms: Promise<number[]>; at: number }>();

  constructor(
    private readonly read: (userId: number) => Promise<number[]>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The user's rooms, as read less than TRUSTED_MS ago, or read now. */
  of(userId: number): Promise<number[]> {
    const known = this.known.get(userId);
    if (known && this.now() - known.at < TRUSTED_MS) return known.rooms;
    return this.fresh(userId);
  }

  /** The user's rooms read now (kept for the next calls). */
  fresh(userId: number): Promise<number[]> {
    return this.keep(userId, this.read(userId));
  }

  /** A read of the user's rooms just started elsewhere, kept as if it were this one's own. */
  keep(userId: number, rooms: Promise<number[]>): Promise<number[]> {
    if (this.known.size >= MAX_USERS) this.known.clear();
    const entry = { rooms, at: this.now() };
    this.known.set(userId, entry);
    entry.rooms.catch(() => {
      if (this.known.get(userId) === entry) this.known.delete(userId);
    });
    return entry.rooms;
  }

  /** The user joined or left a room. */
  forget(userId: number): void {
    this.known.delete(userId);
  }
}
