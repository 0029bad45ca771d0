export { AUDIT_ACTIONS, AuditAction, AuditEntry } from './audit-action';
export { AuditQuery, AuditRow } from './audit-log.repository';
export { AuditLog } from './audit-log.service';
export { AuditModule } from './audit.module';
