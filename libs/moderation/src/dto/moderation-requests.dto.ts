import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { REASON_MAX_CHARACTERS } from '@chat/protocol';
import { IsNote, IsReason, IsUntil } from '../moderation-fields';

const ID_MAX = 2_147_483_647;

/** An integer query parameter: digits only, then checked as a number. */
const IntegerParameter = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
);

/** A user or room id in a body: 1 to 2^31-1. */
function IsId(): PropertyDecorator {
  return applyDecorators(Min(1), Max(ID_MAX), IsInt());
}

/** An optional id in the query string, up to `max`. */
function IsIdParameter(max = ID_MAX): PropertyDecorator {
  return applyDecorators(IsOptional(), IntegerParameter, Min(1), Max(max), IsInt());
}

export class BanDto {
  @IsId()
  user_id!: number;

  @ApiProperty({ minLength: 1, maxLength: REASON_MAX_CHARACTERS })
  @IsReason()
  reason!: string;

  @ApiPropertyOptional({ description: 'ISO 8601; absent: no end' })
  @IsUntil()
  until?: string;
}

export class MuteDto extends BanDto {
  @ApiPropertyOptional({ description: 'One room; absent: everywhere' })
  @IsOptional()
  @IsId()
  room_id?: number;
}

export class KickDto {
  @IsId()
  room_id!: number;

  @IsId()
  user_id!: number;

  @ApiProperty({ minLength: 1, maxLength: REASON_MAX_CHARACTERS })
  @IsReason()
  reason!: string;

  /** Also keep them from rejoining (until `until`, or for good). */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  ban?: boolean;

  @ApiPropertyOptional({ description: "The room ban's end, ISO 8601 (with ban)" })
  @IsUntil()
  until?: string;
}

export class ReportDto {
  @ApiProperty({ minLength: 1, maxLength: REASON_MAX_CHARACTERS })
  @IsReason()
  reason!: string;
}

export class ResolveReportDto {
  @ApiPropertyOptional({
    maxLength: REASON_MAX_CHARACTERS,
    description: 'What was done, for the log',
  })
  @IsNote()
  note?: string;

  /** Delete the reported message too. */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  delete_message?: boolean;
}

export class ReportsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ description: "The previous page's next_cursor" })
  @IsIdParameter()
  cursor?: number;
}

export class MutesQueryDto {
  @ApiPropertyOptional()
  @IsIdParameter()
  user_id?: number;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ description: "The previous page's next_cursor" })
  @IsIdParameter(Number.MAX_SAFE_INTEGER)
  cursor?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  action?: string;

  @ApiPropertyOptional()
  @IsIdParameter()
  actor_id?: number;

  @ApiPropertyOptional()
  @IsIdParameter()
  target_user_id?: number;
}
