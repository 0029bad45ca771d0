import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { ConflictError, NotFoundError, PermissionError, TooManyRequestsError } from '@chat/errors';
import { actingRefusal } from '@chat/protocol';
import { GENERAL_ROOM_ID, RoomAccess, RoomAccessResult, UserRateLimit } from '@chat/rooms';
import { ROOM_PAGE_DEFAULT } from './dto/room-message-requests.dto';
import { RoomMessage, toRoomMessage } from './message-json';
import { WriteResult } from './message-writer.service';
import { LoggedChange, MessagePlace, MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { NewestPages } from './newest-pages.service';

export interface RoomPageQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

export interface SentRoomMessage {
  message: RoomMessage;
  /** False when the author's client_id was stored before: the first message is answered. */
  created: boolean;
}

const MESSAGE_NOT_FOUND = 'Message not found';

/** The insert's own refusals (see chat_insert_messages), as the checks before it answer them. */
function refusalOf(error: unknown): Error | undefined {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Not a member of room')) return new NotFoundError('Room not found');
  if (message.startsWith('No open room')) return new PermissionError('The room is archived');
  return undefined;
}

/**
 * Messages in any room, as v2 clients and bots use them: every call checks that the caller may
 * read or write the room (a room they cannot see is "not found", like a message in it). Edits and
 * deletions are limited per user (MESSAGE_CHANGE_RATE_LIMIT and _BURST): each one tells the room,
 * and a deletion has every member's unread counts read again.
 */
@Injectable()
export class RoomMessagesService {
  private readonly changes: UserRateLimit;

  constructor(
    private readonly messages: MessagesService,
    private readonly repository: MessagesRepository,
    private readonly access: RoomAccess,
    private readonly newestPages: NewestPages,
    config: AppConfig,
  ) {
    this.changes = new UserRateLimit(config.messageChangeRate);
  }

  /**
   * A page of a room as JSON text: newest first, or oldest first after `afterSeq`. Everyone is a
   * member of the general room, whose newest pages NewestPages keeps.
   */
  async page(caller: AuthUser, roomId: number, query: RoomPageQuery): Promise<string> {
    const newest = query.afterSeq === undefined && query.beforeSeq === undefined;
    // Only the default size is kept: the others are rarer, and each copy costs memory.
    if (newest && roomId === GENERAL_ROOM_ID && query.limit === ROOM_PAGE_DEFAULT) {
      return this.newestPages.general('room', () =>
        this.repository.roomNewestPage(roomId, query.limit),
      );
    }
    await this.access.member(caller, roomId);
    if (query.afterSeq !== undefined) {
      return this.repository.roomPageAfter(roomId, query.afterSeq, query.limit);
    }
    if (query.beforeSeq !== undefined) {
      return this.repository.roomPageBefore(roomId, query.beforeSeq, query.limit);
    }
    return this.repository.roomNewestPage(roomId, query.limit);
  }

  /**
   * Stores a message in a room the caller may write to (everyone may write to general). A socket
   * that is in the room (`knownMember`) skips the check: the insert itself refuses a non-member
   * and an archived room, and that refusal is answered the same way.
   */
  async send(
    caller: AuthUser,
    roomId: number,
    text: string,
    clientId?: string,
    knownMember = false,
  ): Promise<SentRoomMessage> {
    if (roomId !== GENERAL_ROOM_ID && !knownMember) await this.access.writable(caller, roomId);
    let written: WriteResult;
    try {
      written = await this.messages.send({ roomId, userId: caller.id, text, clientId });
    } catch (error) {
      throw refusalOf(error) ?? error;
    }
    // A repeat may have been edited since: read it back as it is now.
    const message = written.created
      ? toRoomMessage(written.message, written.roomId, written.seq, null, written.mentions)
      : await this.repository.findOne(written.message.message_id);
    if (!message) throw new NotFoundError(MESSAGE_NOT_FOUND);
    return { message, created: written.created };
  }

  /** The author edits their message, in a room they are still in and that is not archived. */
  async edit(caller: AuthUser, messageId: number, text: string): Promise<LoggedChange> {
    this.takeChange(caller);
    const place = await this.placeOf(messageId);
    await this.accessTo(() => this.access.writable(caller, place.room_id));
    if (place.user_id !== caller.id) throw new PermissionError('Only the author edits a message');
    this.messages.refuseIfMuted(caller.id, place.room_id);
    return this.orNotFound(() => this.messages.rewrite(messageId, text, { authorId: caller.id }));
  }

  /**
   * The author, the room's owner, or a site moderator in a public room deletes a message; not in
   * an archived room.
   */
  async remove(caller: AuthUser, messageId: number): Promise<LoggedChange> {
    this.takeChange(caller);
    const place = await this.placeOf(messageId);
    const room = await this.accessTo(() => this.access.visible(caller, place.room_id));
    if (place.user_id !== caller.id) {
      if (!this.access.actsAsOwner(caller, room)) {
        throw new PermissionError(
          'Only the author, the room owner or a moderator deletes a message',
        );
      }
      const refusal = actingRefusal(caller, { id: place.user_id, role: place.author_role });
      if (refusal) throw new PermissionError(refusal);
    }
    if (room.archived) throw new PermissionError('The room is archived');
    return this.orNotFound(() =>
      this.messages.remove(messageId, { actorId: caller.id, via: 'api' }),
    );
  }

  /** A message as it is now, for a caller who may read its room. */
  async findOne(caller: AuthUser, messageId: number): Promise<RoomMessage> {
    const place = await this.placeOf(messageId);
    await this.accessTo(() => this.access.member(caller, place.room_id));
    const message = await this.repository.findOne(messageId);
    if (!message) throw new NotFoundError(MESSAGE_NOT_FOUND);
    return message;
  }

  /** Takes an edit or deletion from the caller's allowance, before anything is read. */
  private takeChange(caller: AuthUser): void {
    if (!this.changes.take(caller.id)) {
      throw new TooManyRequestsError('Too many edits and deletions; retry after a moment');
    }
  }

  private async placeOf(messageId: number): Promise<MessagePlace> {
    const place = await this.repository.findPlace(messageId);
    if (!place) throw new NotFoundError(MESSAGE_NOT_FOUND);
    return place;
  }

  /** A room the caller cannot see hides its messages too: "message not found". */
  private async accessTo(check: () => Promise<RoomAccessResult>): Promise<RoomAccessResult> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(MESSAGE_NOT_FOUND);
      throw error;
    }
  }

  /** Deleted between the check and the change: not found. */
  private async orNotFound(change: () => Promise<LoggedChange>): Promise<LoggedChange> {
    try {
      return await change();
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new NotFoundError(MESSAGE_NOT_FOUND);
      }
      throw error;
    }
  }
}
