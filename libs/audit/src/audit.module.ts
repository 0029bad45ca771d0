import { Module } from '@nestjs/common';
import { MetricsModule } from '@chat/metrics';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLog } from './audit-log.service';

@Module({
  imports: [MetricsModule],
  providers: [AuditLogRepository, AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
