/** How long a room's member count is trusted: it only decides between presence and counts. */
const TRUSTED_MS = 30_000;
const MAX_ROOMS = 10_000;

/**
 * Rooms' member counts, read in one query for those not known or known too long ago. A room that
 * grows past the presence limit is treated as large within TRUSTED_MS. The read itself is kept,
 * not its answer, so the sign-ins of a wave of reconnecting sockets share one read of a room rather
 * than each counting its members; a failed read is forgotten.
 */
export class RoomSizes {
  private readonly known = new Map<number, { members: Promise<number>; at: number }>();

  constructor(
    private readonly read: (roomIds: number[]) => Promise<Map<number, number>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async of(roomIds: number[]): Promise<Map<number, number>> {
    const now = this.now();
    const sizes = new Map<number, Promise<number>>();
    const missing: number[] = [];
    for (const roomId of roomIds) {
      const size = this.known.get(roomId);
      if (size && now - size.at < TRUSTED_MS) sizes.set(roomId, size.members);
      else missing.push(roomId);
    }
    if (missing.length > 0) {
      for (const [roomId, members] of this.readNow(missing, now)) sizes.set(roomId, members);
    }
    const members = await Promise.all(roomIds.map((roomId) => sizes.get(roomId)!));
    return new Map(roomIds.map((roomId, i) => [roomId, members[i]]));
  }

  private readNow(roomIds: number[], now: number): Map<number, Promise<number>> {
    if (this.known.size + roomIds.length > MAX_ROOMS) this.known.clear();
    const read = this.read(roomIds);
    const sizes = new Map<number, Promise<number>>();
    for (const roomId of roomIds) {
      const entry = { members: read.then((counts) => counts.get(roomId) ?? 0), at: now };
      this.known.set(roomId, entry);
      entry.members.catch(() => {
        if (this.known.get(roomId) === entry) this.known.delete(roomId);
      });
      sizes.set(roomId, entry.members);
    }
    return sizes;
  }
}
