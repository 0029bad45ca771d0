import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { ConflictError, NotFoundError, PermissionError, TooManyRequestsError } from '@chat/errors';
import { MessagesService, RoomMessagesService } from '@chat/messages';
import { actingRefusal, ReportsPage } from '@chat/protocol';
import { Role } from '@chat/roles';
import { UserRateLimit } from '@chat/rooms';
import { Report, ReportsRepository, ReportStatus } from './reports.repository';

export const REPORTS_PAGE = 50;

export type { ReportsPage };

/**
 * Reports of messages: any member who can read a message reports it once, with a reason (limited
 * per user: REPORT_RATE_*); site moderators and admins work the queue, resolving a report and, in
 * the same step, deleting the message.
 */
@Injectable()
export class ReportsService {
  private readonly reports: UserRateLimit;

  constructor(
    private readonly repository: ReportsRepository,
    private readonly roomMessages: RoomMessagesService,
    private readonly messages: MessagesService,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.reports = new UserRateLimit(config.reportRate);
  }

  async report(caller: AuthUser, messageId: number, reason: string): Promise<Report> {
    if (!this.reports.take(caller.id)) {
      throw new TooManyRequestsError('Too many reports; retry after a while');
    }
    // Not found unless the caller can read the message's room.
    const message = await this.roomMessages.findOne(caller, messageId);
    if (message.user_id === caller.id)
      throw new ConflictError('You cannot report your own message');
    const id = await this.repository.insert(messageId, caller.id, reason);
    if (id === null) throw new ConflictError('You have reported this message already');
    return (await this.repository.find(id))!;
  }

  /**
   * The queue, newest first: site admins see every report; moderators those of public rooms only,
   * since private rooms and DMs are closed to them (an admin deals with those).
   */
  async page(caller: AuthUser, status: ReportStatus, cursor?: number): Promise<ReportsPage> {
    const everyRoom = caller.role >= Role.Admin;
    const reports = await this.repository.page(status, cursor, REPORTS_PAGE, everyRoom);
    const next = reports.length === REPORTS_PAGE ? reports[reports.length - 1].id : null;
    return { reports, next_cursor: next };
  }

  /**
   * Resolves an open report, with a note; with `deleteMessage`, deletes the message too (in any
   * room: the queue is moderation's, like the admin panel).
   */
  async resolve(
    caller: AuthUser,
    reportId: number,
    resolution: { note?: string; deleteMessage?: boolean },
    via = 'api',
  ): Promise<Report> {
    const report = await this.repository.find(reportId);
    if (!report || (report.room_kind !== 'public' && caller.role < Role.Admin)) {
      throw new NotFoundError('No such report');
    }
    if (report.author_id === caller.id) {
      throw new PermissionError('Someone else resolves a report of your own message');
    }
    if (resolution.deleteMessage) {
      const refusal = actingRefusal(caller, { id: report.author_id, role: report.author_role });
      if (refusal) throw new PermissionError(refusal);
    }
    const note = resolution.note?.trim() || null;
    if (!(await this.repository.resolve(reportId, caller.id, note))) {
      throw new ConflictError('This report is resolved already');
    }
    let deleted = false;
    if (resolution.deleteMessage && report.message_id !== null) {
      const actor = { actorId: caller.id, via: 'report', reason: note ?? report.reason };
      deleted = await this.messages.remove(report.message_id, actor).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ConflictError) return false; // deleted meanwhile
          throw error;
        },
      );
    }
    await this.audit.record({
      actorId: caller.id,
      action: 'report.resolve',
      targetUserId: report.author_id,
      targetRoomId: report.room_id,
      targetMessageId: report.message_id ?? undefined,
      reason: note ?? undefined,
      details: { via, report_id: reportId, deleted },
    });
    return (await this.repository.find(reportId))!;
  }
}
