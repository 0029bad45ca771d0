import type { RoomMember, RoomRole, RoomSummary, RoomUser } from '@chat/client';

export const GENERAL_ROOM_ID = 1;

export interface RoomEntry {
  room: RoomSummary;
  /** The viewer's role here; null until known. */
  roomRole: RoomRole | null;
  /** The other member of a direct room, when known. */
  peer?: RoomUser;
  /** Loaded when first needed (the members list, a direct room's name), then kept up to date. */
  members?: RoomMember[];
}

export interface RoomsStoreContext {
  myId(): number;
  fetchMembers(roomId: number): Promise<RoomMember[]>;
}

/**
 * The viewer's rooms, kept as the server says they are (the room list at sign-in, then `room.*`
 * and `member.*` frames). Views subscribe to hear of any change.
 */
export class RoomsStore {
  private readonly entries = new Map<number, RoomEntry>();
  private readonly listeners = new Set<() => void>();
  private readonly loading = new Map<number, Promise<RoomMember[]>>();

  constructor(private readonly context: RoomsStoreContext) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(roomId: number): RoomEntry | undefined {
    return this.entries.get(roomId);
  }

  has(roomId: number): boolean {
    return this.entries.has(roomId);
  }

  /** General first, then the other rooms by name, then direct rooms by the other member's name. */
  list(): RoomEntry[] {
    const rank = (entry: RoomEntry) =>
      entry.room.id === GENERAL_ROOM_ID ? 0 : entry.room.kind === 'direct' ? 2 : 1;
    return [...this.entries.values()].sort(
      (a, b) => rank(a) - rank(b) || this.title(a).localeCompare(this.title(b)),
    );
  }

  /** What a room is called: its name, or for a direct room the other member's name. */
  title(entry: RoomEntry): string {
    return entry.room.name ?? entry.peer?.name ?? 'Direct message';
  }

  /**
   * Adds a room or refreshes what is known of it. Frames carry no `peer`: a direct room that came
   * that way reads its members for the other one's name.
   */
  put(
    room: RoomSummary,
    known: { roomRole?: RoomRole | null; peer?: RoomUser | null } = {},
  ): RoomEntry {
    const existing = this.entries.get(room.id);
    const entry: RoomEntry = {
      room,
      roomRole: known.roomRole ?? existing?.roomRole ?? null,
      peer: known.peer ?? existing?.peer,
      members: existing?.members,
    };
    this.entries.set(room.id, entry);
    if (room.kind === 'direct' && !entry.peer) void this.members(room.id).catch(() => undefined);
    this.changed();
    return entry;
  }

  remove(roomId: number): void {
    this.loading.delete(roomId);
    if (this.entries.delete(roomId)) this.changed();
  }

  /** Every room id at once, for a full reload of the list. */
  ids(): number[] {
    return [...this.entries.keys()];
  }

  updateRoom(room: RoomSummary): void {
    const entry = this.entries.get(room.id);
    if (!entry) return;
    entry.room = room;
    this.changed();
  }

  /** The room's members, from the server the first time (or when `fresh`), then as kept. */
  members(roomId: number, fresh = false): Promise<RoomMember[]> {
    const entry = this.entries.get(roomId);
    if (entry?.members && !fresh) return Promise.resolve(entry.members);
    let pending = this.loading.get(roomId);
    if (!pending || fresh) {
      pending = this.context.fetchMembers(roomId).then((members) => {
        this.setMembers(roomId, members);
        return members;
      });
      pending.finally(() => this.loading.delete(roomId)).catch(() => undefined);
      this.loading.set(roomId, pending);
    }
    return pending;
  }

  memberJoined(roomId: number, member: RoomMember): void {
    const entry = this.entries.get(roomId);
    if (!entry) return;
    if (entry.members) {
      entry.members = [...entry.members.filter((m) => m.user_id !== member.user_id), member];
    }
    entry.room = {
      ...entry.room,
      member_count: entry.members?.length ?? entry.room.member_count + 1,
    };
    if (member.user_id === this.context.myId()) entry.roomRole = member.room_role;
    this.changed();
  }

  memberLeft(roomId: number, userId: number): void {
    const entry = this.entries.get(roomId);
    if (!entry) return;
    if (entry.members) entry.members = entry.members.filter((m) => m.user_id !== userId);
    entry.room = {
      ...entry.room,
      member_count: entry.members?.length ?? Math.max(0, entry.room.member_count - 1),
    };
    this.changed();
  }

  /** A user's new name, role or avatar, wherever they are listed as a member. */
  userChanged(
    userId: number,
    changes: Partial<Pick<RoomMember, 'name' | 'role' | 'user_avatar'>>,
  ): void {
    let touched = false;
    for (const entry of this.entries.values()) {
      if (!entry.members?.some((m) => m.user_id === userId)) continue;
      entry.members = entry.members.map((m) => (m.user_id === userId ? { ...m, ...changes } : m));
      touched = true;
    }
    for (const entry of this.entries.values()) {
      if (entry.peer?.user_id !== userId) continue;
      entry.peer = { ...entry.peer, ...changes };
      touched = true;
    }
    if (touched) this.changed();
  }

  private setMembers(roomId: number, members: RoomMember[]): void {
    const entry = this.entries.get(roomId);
    if (!entry) return;
    entry.members = members;
    const mine = members.find((member) => member.user_id === this.context.myId());
    if (mine) entry.roomRole = mine.room_role;
    if (entry.room.kind === 'direct') {
      entry.peer = members.find((member) => member.user_id !== this.context.myId()) ?? entry.peer;
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
