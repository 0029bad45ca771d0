import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AuditAction, AuditLog, AuditRow } from '@chat/audit';
import { Authenticated } from '@chat/auth';
import { InvalidInputError } from '@chat/errors';
import { Role } from '@chat/roles';
import { AuditQueryDto } from './dto/moderation-requests.dto';
import { AuditPageDto } from './dto/moderation-responses.dto';

const AUDIT_PAGE = 100;

@ApiTags('moderation')
@Controller('api/v1/moderation/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  /** The audit log, newest first (admins): filter by action, actor or target user. */
  @Get()
  @Authenticated({ role: Role.Admin })
  @ApiOkResponse({ type: AuditPageDto })
  async page(
    @Query() query: AuditQueryDto,
  ): Promise<{ entries: AuditRow[]; next_cursor: number | null }> {
    if (query.action !== undefined && !AUDIT_ACTIONS.includes(query.action as AuditAction)) {
      throw new InvalidInputError([
        { field: 'action', message: `action must be one of ${AUDIT_ACTIONS.join(', ')}` },
      ]);
    }
    const entries = await this.audit.page({
      beforeId: query.cursor,
      action: query.action as AuditAction | undefined,
      actorId: query.actor_id,
      targetUserId: query.target_user_id,
      limit: AUDIT_PAGE,
    });
    const next = entries.length === AUDIT_PAGE ? entries[entries.length - 1].id : null;
    return { entries, next_cursor: next };
  }
}
