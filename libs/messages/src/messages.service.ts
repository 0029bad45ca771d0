import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { ConflictError } from '@chat/errors';
import { ChatMessage, EventBus } from '@chat/events';
import { MuteRegistry } from '@chat/mutes';
import { mentionedNames } from '@chat/protocol';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { MessageWriter, NewMessage, WriteResult } from './message-writer.service';
import { LoggedChange, MessagesRepository } from './messages.repository';
import { NewestPages } from './newest-pages.service';

/** Who changes another's message, and through what (`api`, `compat`, `panel`, `report`). */
export interface ModerationActor {
  actorId: number;
  via: string;
  reason?: string;
}
export const SINCE_MAX = 500;
const UNAUTHORIZED = 'Unauthorized access';

/**
 * The general room as the compat routes and sockets see it, and the message changes every room
 * shares (storing, editing, deleting, each announced with the room's number).
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly writer: MessageWriter,
    private readonly events: EventBus,
    private readonly mutes: MuteRegistry,
    private readonly audit: AuditLog,
    private readonly newestPages: NewestPages,
  ) {}

  /** A muted user writes nothing there (403, saying until when). */
  refuseIfMuted(userId: number, roomId: number): void {
    const refusal = this.mutes.refusal(userId, roomId);
    if (refusal) throw refusal;
  }

  /**
   * Stores a message (in the general room unless told) and broadcasts it; a repeated client_id
   * answers the stored one instead.
   */
  send(message: Omit<NewMessage, 'roomId'> & { roomId?: number }): Promise<WriteResult> {
    const roomId = message.roomId ?? GENERAL_ROOM_ID;
    this.refuseIfMuted(message.userId, roomId);
    return this.writer.write(Object.assign({}, message, { roomId }));
  }

  /** Waits until every message accepted so far is stored and broadcast. */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  /** The newest messages with id below `beforeId` (all when absent), newest first: a JSON array. */
  history(beforeId?: number): Promise<string> {
    return beforeId === undefined
      ? this.newestPages.general('compat', () => this.messages.newestPage())
      : this.messages.pageBefore(beforeId);
  }

  /** Messages with id above `afterId`, oldest first. */
  async since(afterId: number, limit = SINCE_MAX): Promise<ChatMessage[]> {
    return JSON.parse(await this.messages.pageAfter(afterId, limit)) as ChatMessage[];
  }

  /**
   * Every message with id above `afterId`, oldest first, a page at a time: the next page is read
   * only when the caller asks for it.
   */
  async *pagesSince(afterId: number, pageSize: number): AsyncGenerator<ChatMessage[]> {
    for (;;) {
      const page = await this.since(afterId, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      afterId = page[page.length - 1].message_id;
    }
  }

  /** How many messages have an id above `afterId`, counting no further than `atMost`. */
  countSince(afterId: number, atMost: number): Promise<number> {
    return this.messages.countAfter(afterId, atMost);
  }

  /** The id of the newest stored message (0 when there is none). */
  async latestId(): Promise<number> {
    // A bigint, which must fit a JavaScript number exactly.
    const stored = await this.messages.latestId();
    const id = Number(stored);
    if (!Number.isSafeInteger(id)) throw new Error(`Message id ${stored} is past 2^53`);
    return id;
  }

  /**
   * Only the author edits, only in the general room; anything else reads as "Unauthorized access",
   * as the contract says.
   */
  async edit(caller: AuthUser, messageId: number, text: string): Promise<void> {
    this.refuseIfMuted(caller.id, GENERAL_ROOM_ID);
    await this.rewrite(messageId, text, { authorId: caller.id, roomId: GENERAL_ROOM_ID });
  }

  /** A compat deletion by a moderator: only in the general room. */
  async removeFromGeneral(caller: AuthUser, messageId: number): Promise<void> {
    await this.remove(messageId, { roomId: GENERAL_ROOM_ID, actorId: caller.id, via: 'compat' });
  }

  /**
   * Changes a message's text and mentions (only the author's, and only in the room, when given),
   * takes the room's next number and tells the room; ConflictError when no message matched. An
   * `actor` other than the author (the admin panel) is written to the audit log.
   */
  async rewrite(
    messageId: number,
    text: string,
    only: { authorId?: number; roomId?: number } = {},
    actor?: ModerationActor,
  ): Promise<LoggedChange> {
    const edit = await this.messages.updateText(messageId, text, mentionedNames(text), only);
    if (!edit) throw new ConflictError(UNAUTHORIZED);
    if (actor && actor.actorId !== edit.author_id) {
      await this.audit.record({
        actorId: actor.actorId,
        action: 'message.edit',
        targetUserId: edit.author_id,
        targetRoomId: edit.room_id,
        targetMessageId: messageId,
        reason: actor.reason,
        details: { via: actor.via },
      });
    }
    this.events.publish({
      type: 'message.updated',
      roomId: edit.room_id,
      seq: edit.seq,
      messageId,
      text,
      editedAt: edit.edited_at,
      mentions: edit.mentions,
      previousMentions: edit.previous_mentions,
      messageSeq: edit.message_seq,
      authorId: edit.author_id,
    });
    return { room_id: edit.room_id, seq: edit.seq };
  }

  /**
   * Deletes a message (only in the room, when given) and tells the room; ConflictError if none. An
   * actor other than the author (a room owner, a moderator, the panel) is written to the audit log.
   */
  async remove(
    messageId: number,
    options: { roomId?: number } & Partial<ModerationActor> = {},
  ): Promise<LoggedChange> {
    const deletion = await this.messages.delete(messageId, options.roomId);
    if (!deletion) throw new ConflictError(UNAUTHORIZED);
    if (options.actorId !== undefined && options.actorId !== deletion.author_id) {
      await this.audit.record({
        actorId: options.actorId,
        action: 'message.delete',
        targetUserId: deletion.author_id,
        targetRoomId: deletion.room_id,
        targetMessageId: messageId,
        reason: options.reason,
        details: { via: options.via ?? 'api' },
      });
    }
    this.events.publish({
      type: 'message.deleted',
      roomId: deletion.room_id,
      seq: deletion.seq,
      messageId,
      messageSeq: deletion.message_seq,
      authorId: deletion.author_id,
    });
    return { room_id: deletion.room_id, seq: deletion.seq };
  }
}
