import { Injectable } from '@nestjs/common';
import { RoomEvent } from '@chat/events';
import { RoomChangesRepository, StoredChange } from './room-changes.repository';
import { changeEvent } from './stored-change';

/** A room's past changes, as the events that announced them: for resumes and gap filling. */
@Injectable()
export class RoomHistory {
  constructor(private readonly changes: RoomChangesRepository) {}

  /**
   * The changes numbered after `afterSeq` up to `upToSeq`, oldest first, `pageSize` numbers a
   * page: the next page is read only when the caller asks for it. With `announcedOnly`, only
   * what was broadcast when stored: what the bus may have failed to bring (messages put in the
   * database by hand were never announced, and filling a gap does not announce them).
   */
  async *eventsBetween(
    roomId: number,
    afterSeq: number,
    upToSeq: number,
    pageSize: number,
    announcedOnly = false,
  ): AsyncGenerator<RoomEvent[]> {
    for (let from = afterSeq; from < upToSeq; from += pageSize) {
      const to = Math.min(from + pageSize, upToSeq);
      const page = await this.changes.between(roomId, from, to, announcedOnly);
      if (page.length > 0)
        yield page.map((change) => withClientId(changeEvent(roomId, change), change));
    }
  }

  /** Each room's newest number; rooms that do not exist are left out. */
  lastSeqs(roomIds: number[]): Promise<Map<number, number>> {
    return this.changes.lastSeqs(roomIds);
  }
}

/** A message read back carries its sender's key, as its live frame did. */
function withClientId(event: RoomEvent, change: StoredChange): RoomEvent {
  if (event.type !== 'message.created' || change.client_id === null) return event;
  return Object.assign({}, event, { clientId: change.client_id });
}
