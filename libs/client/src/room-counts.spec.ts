import { RoomFrame, UNREAD_LIMIT } from '@chat/protocol';
import { RoomCounts } from './room-counts';

const ME = 7;
const OTHER = 8;

/** A message.new numbered `seq` (its id is 100 + seq). */
function message(seq: number, options: { by?: number; mentions?: number[] } = {}): RoomFrame {
  return {
    type: 'message.new',
    room_id: 1,
    seq,
    message: {
      message_id: 100 + seq,
      user_id: options.by ?? OTHER,
      name: 'someone',
      role: 1,
      user_avatar: '/a.png',
      message: `text ${seq}`,
      time_send: '12:00:00',
      created_at: '2030-01-01T12:00:00.000Z',
      edited: false,
      room_id: 1,
      seq,
      edited_at: null,
      mentions: options.mentions ?? [],
    },
  };
}

const deletion = (seq: number, ofSeq: number): RoomFrame => ({
  type: 'message.deleted',
  room_id: 1,
  seq,
  message_id: 100 + ofSeq,
});

const joined = (seq: number): RoomFrame => ({
  type: 'member.joined',
  room_id: 1,
  seq,
  member: { user_id: 9, name: 'x', role: 1, user_avatar: '/a.png', room_role: 'member' },
});

function counts(changes: RoomFrame[] = []): RoomCounts {
  const room = new RoomCounts();
  for (const change of changes) room.apply(change, ME);
  return room;
}

const exact = (unread: number, mentions: number, lastReadSeq: number) => ({
  unread,
  mentions,
  last_read_seq: lastReadSeq,
});

describe('RoomCounts', () => {
  it('counts the messages of others after the marker, and those that mention me', () => {
    const room = counts([
      message(1),
      message(2, { by: ME }),
      message(3, { mentions: [ME] }),
      joined(4),
      message(5, { mentions: [9] }),
    ]);
    expect(room.counts()).toEqual(exact(3, 1, 0));
    expect(room.moveMarker(3)).toBe(true);
    expect(room.counts()).toEqual(exact(1, 0, 3));
  });

  it('never moves the marker back, and past the newest number known only when not clamped', () => {
    const room = counts([message(1), message(2)]);
    expect(room.moveMarker(2)).toBe(true);
    expect(room.moveMarker(1)).toBe(false);
    expect(room.moveMarker(9, true)).toBe(false);
    expect(room.lastReadSeq).toBe(2);
    room.setExact(exact(0, 0, 2), 5);
    expect(room.moveMarker(9, true)).toBe(true);
    expect(room.lastReadSeq).toBe(5);
  });

  it("adds to the server's counts the messages after its number", () => {
    const room = counts();
    room.setExact(exact(4, 1, 10), 20);
    [message(21), message(22, { by: ME }), message(23, { mentions: [ME] })].forEach((m) =>
      room.apply(m, ME),
    );
    expect(room.counts()).toEqual(exact(6, 2, 10));
  });

  it('takes counts older than the messages applied: only those after their number are added', () => {
    const room = counts([message(1), message(2), message(3), message(4, { mentions: [ME] })]);
    room.setExact(exact(2, 0, 0), 2);
    expect(room.counts()).toEqual(exact(4, 1, 0));
  });

  it('takes counts newer than the messages applied: those up to their number are not counted twice', () => {
    const room = counts([message(1)]);
    room.setExact(exact(3, 1, 0), 3);
    [message(2, { mentions: [ME] }), message(3), message(4)].forEach((m) => room.apply(m, ME));
    expect(room.counts()).toEqual(exact(4, 1, 0));
  });

  it('ignores counts older than those it holds (an HTTP answer overtaken by a frame)', () => {
    const room = counts();
    expect(room.setExact(exact(5, 0, 10), 30)).toBe('taken');
    expect(room.setExact(exact(9, 0, 10), 25)).toBe('older');
    expect(room.setExact(exact(9, 0, 8), 35)).toBe('older');
    expect(room.counts()).toEqual(exact(5, 0, 10));
    expect(room.setExact(exact(2, 0, 12), 30)).toBe('taken');
    expect(room.counts()).toEqual(exact(2, 0, 12));
  });

  it('calls counts older than where it follows the room from stale: of them only the marker is taken', () => {
    // Followed from 3 on: whatever changed in 2 and 3 after counts as of 1 was never seen here.
    const room = counts();
    room.follow(3);
    room.apply(message(4), ME);
    expect(room.setExact(exact(1, 0, 1), 1)).toBe('stale');
    expect(room.counts()).toEqual(exact(1, 0, 1));
    expect(room.setExact(exact(3, 1, 1), 3)).toBe('taken');
    expect(room.counts()).toEqual(exact(4, 1, 1));
    // A jump in the numbers starts what was seen afresh: counts from before it are stale too.
    room.apply(message(9), ME);
    expect(room.setExact(exact(4, 1, 1), 4)).toBe('stale');
    expect(room.setExact(exact(8, 1, 1), 8)).toBe('taken');
    expect(room.counts()).toEqual(exact(9, 1, 1));
  });

  it('following from a number it saw changes after, or up to, changes nothing', () => {
    const room = counts([message(1), message(2)]);
    room.follow(1);
    room.follow(2);
    room.apply(message(3), ME);
    expect(room.setExact(exact(0, 0, 0), 0)).toBe('taken');
    expect(room.counts()).toEqual(exact(3, 0, 0));
  });

  it('takes a deleted message out, before or after the number of the counts', () => {
    const room = counts([message(1), message(2, { mentions: [ME] }), message(3)]);
    room.setExact(exact(3, 1, 0), 3);
    room.apply(message(4), ME);
    room.apply(deletion(5, 2), ME);
    room.apply(deletion(6, 4), ME);
    expect(room.counts()).toEqual(exact(2, 0, 0));
  });

  it('counts what the marker left from what it saw, when it saw every change since the marker', () => {
    const seqs = Array.from({ length: 120 }, (_, i) => i + 1);
    const room = counts(seqs.map((seq) => message(seq, { mentions: seq > 117 ? [ME] : [] })));
    // 120 unread, so the server's counts stopped at the limit: they cannot say what is left.
    room.setExact(exact(UNREAD_LIMIT, 3, 0), 120);
    room.moveMarker(115);
    expect(room.counts()).toEqual(exact(5, 3, 115));
  });

  it('takes what the marker passed out of the counts when it did not see every change', () => {
    const room = counts();
    room.setExact(exact(10, 2, 0), 20);
    // Seen: two messages of the counted range, the later one deleted after the counts' number.
    [message(21), deletion(22, 21)].forEach((m) => room.apply(m, ME));
    room.moveMarker(15);
    expect(room.counts()).toEqual(exact(10, 2, 15));
    const seenLate = counts([message(14, { mentions: [ME] }), message(16), message(17)]);
    seenLate.setExact(exact(10, 2, 0), 20);
    seenLate.apply(deletion(21, 17), ME);
    seenLate.apply(message(22), ME);
    seenLate.moveMarker(15);
    // Less 14 (passed) and 17 (deleted since): 8 of the 10, plus 22.
    expect(seenLate.counts()).toEqual(exact(9, 1, 15));
  });

  it('follows an edit that names me or stops naming me', () => {
    const room = counts([message(1, { mentions: [ME] }), message(2)]);
    const edit = (seq: number, ofSeq: number, mentions?: number[]): RoomFrame => ({
      type: 'message.updated',
      room_id: 1,
      seq,
      message_id: 100 + ofSeq,
      text: 'edited',
      edited_at: '2030-01-01T12:01:00.000Z',
      ...(mentions ? { mentions } : {}),
    });
    room.apply(edit(3, 1, []), ME);
    room.apply(edit(4, 2, [9, ME]), ME);
    room.apply(edit(5, 2), ME);
    expect(room.counts()).toEqual(exact(2, 1, 0));
  });

  it('stops both counts at the limit', () => {
    const room = counts();
    room.setExact(exact(UNREAD_LIMIT, UNREAD_LIMIT - 1, 0), 200);
    room.apply(message(201, { mentions: [ME] }), ME);
    room.apply(message(202, { mentions: [ME] }), ME);
    expect(room.counts()).toEqual(exact(UNREAD_LIMIT, UNREAD_LIMIT, 0));
    room.moveMarker(201);
    expect(room.counts()).toEqual(exact(1, 1, 201));
  });

  it('after a reset forgets what it saw before the hole, and counts on from the server and after', () => {
    const room = counts([message(1), message(2)]);
    room.setExact(exact(2, 0, 0), 2);
    room.reset(40);
    room.apply(message(41), ME);
    // Message 1 may have been deleted in the hole: its deletion now is not the client's to count.
    room.apply(deletion(42, 1), ME);
    expect(room.counts()).toEqual(exact(3, 0, 0));
    room.setExact(exact(5, 0, 30), 42);
    room.apply(message(43), ME);
    expect(room.counts()).toEqual(exact(6, 0, 30));
  });

  it('takes a jump in the numbers for changes it did not see (not followed meanwhile)', () => {
    const room = counts([message(1), message(2)]);
    room.setExact(exact(2, 0, 0), 2);
    room.apply(message(10), ME);
    room.moveMarker(1);
    // 3 to 9 were never seen: the server's count less what was passed, plus 10.
    expect(room.counts()).toEqual(exact(2, 0, 1));
  });

  it('keeps what it saw of at most 10,000 messages of a room never read, and counts on', () => {
    const room = counts();
    for (let seq = 1; seq <= 10_001; seq++) room.apply(message(seq), ME);
    const seen = (room as unknown as { seen: Map<number, unknown> }).seen;
    expect(seen.size).toBe(5_001);
    expect(room.counts()).toEqual(exact(UNREAD_LIMIT, 0, 0));
    room.moveMarker(9_990);
    expect(room.counts()).toEqual(exact(11, 0, 9_990));
  });
});
