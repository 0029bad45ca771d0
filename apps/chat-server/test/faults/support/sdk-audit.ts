import { SdkBurst } from './sdk-burst';
import { SdkMembers } from './sdk-members';

export interface SdkFigures {
  sent: number;
  /** Sends whose promise resolved. */
  acknowledged: number;
  /** Sends whose promise rejected. */
  rejected: number;
  /** Distinct client_ids of the burst in the database. */
  stored: number;
  /** Distinct messages handed to the apps, summed over the members. */
  delivered: number;
  /** Extra rows for one client_id, and messages handed to one app more than once. */
  duplicated: number;
  /** Acknowledged messages not stored as acknowledged, and stored ones a member never got. */
  lost: number;
  reconnects: number;
}

/** One member's view of one room next to the room's history over HTTP. */
export interface RoomView {
  userId: number;
  roomId: number;
  /** The seqs of the message.new frames the app got, in arrival order. */
  deliveredSeqs: number[];
  deliveredIds: number[];
  /** The room's messages from GET /api/v1/rooms/:id/messages, by seq. */
  storedSeqs: number[];
  storedIds: number[];
}

type Query = (
  sql: string,
  parameters: unknown[],
) => Promise<{ id: number; room_id: number; client_id: string }[]>;

/** Compares what each send answered, what the database holds and what each member got. */
export async function auditSdkBurst(
  crowd: SdkMembers,
  burst: SdkBurst,
  query: Query,
): Promise<{ figures: SdkFigures; views: RoomView[] }> {
  const rows = await query(
    'SELECT id::int AS id, room_id::int AS room_id, client_id FROM messages WHERE client_id LIKE $1',
    [`${burst.tag}-%`],
  );
  const rowsOf = new Map<string, typeof rows>();
  for (const row of rows) rowsOf.set(row.client_id, [...(rowsOf.get(row.client_id) ?? []), row]);
  let duplicated = rows.length - rowsOf.size;
  let lost = 0;
  for (const entry of burst.sent) {
    if (!entry.resolved) continue;
    const stored = rowsOf.get(entry.clientId)?.[0];
    const asAcknowledged =
      stored?.id === entry.resolved.message_id && stored.room_id === entry.roomId;
    if (!asAcknowledged) lost++;
  }

  const views: RoomView[] = [];
  let delivered = 0;
  for (const roomId of crowd.roomIds) {
    const history = await crowd.history(roomId, Math.ceil(burst.sent.length / 100) + 2);
    const storedIds = history.map((message) => message.message_id);
    for (const member of crowd.members) {
      const deliveries = member.deliveries.get(roomId) ?? [];
      const deliveredIds = deliveries.map((delivery) => delivery.messageId);
      const distinct = new Set(deliveredIds);
      delivered += distinct.size;
      duplicated += deliveredIds.length - distinct.size;
      lost += storedIds.filter((id) => !distinct.has(id)).length;
      views.push({
        userId: member.userId,
        roomId,
        deliveredSeqs: deliveries.map((delivery) => delivery.seq),
        deliveredIds,
        storedSeqs: history.map((message) => message.seq),
        storedIds,
      });
    }
  }

  const figures: SdkFigures = {
    sent: burst.sent.length,
    acknowledged: burst.acknowledged,
    rejected: burst.sent.filter((entry) => entry.rejected !== undefined).length,
    stored: rowsOf.size,
    delivered,
    duplicated,
    lost,
    reconnects: crowd.reconnects,
  };
  return { figures, views };
}

/** The figures the report has no column for, in words for the scenario's name. */
export function describeFigures(figures: SdkFigures): string {
  return (
    `${figures.sent} sent, ${figures.stored} stored, ${figures.delivered} delivered, ` +
    `${figures.reconnects} reconnects`
  );
}

/**
 * Every send acknowledged, each message stored once, and every member handed each one once, in
 * the room's order, the room numbered without a gap.
 */
export function expectEachMessageOnceInOrder(figures: SdkFigures, views: RoomView[]): void {
  const members = new Set(views.map((view) => view.userId)).size;
  expect(figures).toMatchObject({
    acknowledged: figures.sent,
    rejected: 0,
    stored: figures.sent,
    delivered: figures.sent * members,
    duplicated: 0,
    lost: 0,
  });
  for (const view of views) {
    const first = view.storedSeqs[0];
    expect(view.storedSeqs).toEqual(view.storedSeqs.map((_, i) => first + i));
    const { userId, roomId } = view;
    expect({ userId, roomId, seqs: view.deliveredSeqs, ids: view.deliveredIds }).toEqual({
      userId,
      roomId,
      seqs: view.storedSeqs,
      ids: view.storedIds,
    });
  }
}
