import { ApiProperty } from '@nestjs/swagger';
import type {
  AuditLogEntry,
  AuditPage,
  BanView,
  KickResult,
  MuteView,
  ReportsPage,
  ReportView,
} from '@chat/protocol';

// Response shapes for the OpenAPI document; the services return plain objects of these shapes.

export class BanViewDto implements BanView {
  user_id!: number;
  actor_id!: number;
  reason!: string;
  @ApiProperty({ type: String, nullable: true, description: 'ISO 8601, UTC; null: no end' })
  until!: string | null;
  created_at!: string;
}

export class MuteViewDto extends BanViewDto implements MuteView {
  id!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null: everywhere' })
  room_id!: number | null;
}

export class KickResultDto implements KickResult {
  /** Whether they were a member (and are no more). */
  removed!: boolean;
  /** Whether they are banned from the room now. */
  banned!: boolean;
}

export class ReportViewDto implements ReportView {
  id!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null once the message is deleted' })
  message_id!: number | null;
  room_id!: number;
  @ApiProperty({ type: String, nullable: true })
  room_name!: string | null;
  @ApiProperty({ enum: ['public', 'private', 'direct'], description: 'moderators see public only' })
  room_kind!: 'public' | 'private' | 'direct';
  author_id!: number;
  author_name!: string;
  /** The author's site role now. */
  author_role!: number;
  /** The text when it was reported. */
  message_text!: string;
  reporter_id!: number;
  reporter_name!: string;
  reason!: string;
  @ApiProperty({ enum: ['open', 'resolved'] })
  status!: 'open' | 'resolved';
  created_at!: string;
  @ApiProperty({ type: Number, nullable: true })
  resolved_by!: number | null;
  @ApiProperty({ type: String, nullable: true })
  resolved_at!: string | null;
  @ApiProperty({ type: String, nullable: true })
  resolution!: string | null;
}

export class ReportsPageDto implements ReportsPage {
  @ApiProperty({ type: ReportViewDto, isArray: true })
  reports!: ReportViewDto[];
  @ApiProperty({ type: Number, nullable: true })
  next_cursor!: number | null;
}

export class AuditRowDto implements AuditLogEntry {
  id!: number;
  @ApiProperty({ type: Number, nullable: true })
  actor_id!: number | null;
  action!: string;
  @ApiProperty({ type: Number, nullable: true })
  target_user_id!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  target_room_id!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  target_message_id!: number | null;
  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;
  @ApiProperty({ type: Object })
  details!: Record<string, unknown>;
  created_at!: string;
}

export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: AuditRowDto, isArray: true })
  entries!: AuditRowDto[];
  @ApiProperty({ type: Number, nullable: true })
  next_cursor!: number | null;
}
