import { Injectable } from '@nestjs/common';
import { ChatMetrics } from '@chat/metrics';
import { AuditEntry } from './audit-action';
import { AuditLogRepository, AuditQuery, AuditRow } from './audit-log.repository';

/**
 * The append-only record of what moderators and admins did: who, what, to whom, why and when,
 * counted by action in Prometheus (chat_moderation_actions_total). Each service records its own
 * actions once they have happened.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly metrics: ChatMetrics,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.repository.insert(entry);
    this.metrics.moderationActions.inc({ action: entry.action });
  }

  page(query: AuditQuery): Promise<AuditRow[]> {
    return this.repository.page(query);
  }
}
