/** How long a room's member count is trusted: it only decides between presence and counts. */
const TRUSTED_MS = 30_000;
const MAX_ROOMS = 10_000;

/**
 * Rooms' member counts, read in one query for those not known or known too long ago. A room that
 * grows past the presence limit is treated as large within TRUSTED_MS.
 */
export class RoomSizes {
  private readonly known = new Map<number, { members: number; at: number }>();

  constructor(
    private readonly read: (roomIds: number[]) => Promise<Map<number, number>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async of(roomIds: number[]): Promise<Map<number, number>> {
    const now = this.now();
    const sizes = new Map<number, number>();
    const missing: number[] = [];
    for (const roomId of roomIds) {
      const size = this.known.get(roomId);
      if (size && now - size.at < TRUSTED_MS) sizes.set(roomId, size.members);
      else missing.push(roomId);
    }
    if (missing.length === 0) return sizes;
    const read = await this.read(missing);
    if (this.known.size + read.size > MAX_ROOMS) this.known.clear();
    for (const roomId of missing) {
      const members = read.get(roomId) ?? 0;
      sizes.set(roomId, members);
      this.known.set(roomId, { members, at: now });
    }
    return sizes;
  }
}
