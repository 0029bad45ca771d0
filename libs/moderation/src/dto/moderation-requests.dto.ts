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

export class BanDto {
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
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
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  room_id?: number;
}

export class KickDto {
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  room_id!: number;

  @Min(1)
  @Max(ID_MAX)
  @IsInt()
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
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  cursor?: number;
}

export class MutesQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  user_id?: number;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ description: "The previous page's next_cursor" })
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  @IsInt()
  cursor?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  actor_id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IntegerParameter
  @Min(1)
  @Max(ID_MAX)
  @IsInt()
  target_user_id?: number;
}
