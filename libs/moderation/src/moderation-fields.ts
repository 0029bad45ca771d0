import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { InvalidInputError } from '@chat/errors';
import { CALENDAR_TIME, REASON_MAX_CHARACTERS } from '@chat/protocol';
/** The furthest an end time may be: past it, leave the end out. */
const UNTIL_MAX_YEARS = 10;

/** A reason: trimmed, 1 to 500 characters, none of them NUL. */
export function IsReason(): PropertyDecorator {
  return IsReasonText(1);
}

/** A note: as a reason, but it may be empty. */
export function IsNote(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsReasonText(0));
}

function IsReasonText(min: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    ValidateBy({
      name: 'noNul',
      validator: {
        validate: (value) => typeof value !== 'string' || !value.includes('\0'),
        defaultMessage: (args) => `${args?.property ?? 'reason'} must not hold NUL`,
      },
    }),
    Length(min, REASON_MAX_CHARACTERS, {
      message: ({ property }) =>
        `${property} must be ${min} to ${REASON_MAX_CHARACTERS} characters`,
    }),
    IsString(),
  );
}

/** An optional end time, ISO 8601 with its zone (checked to be ahead by `endTime`). */
export function IsUntil(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Matches(CALENDAR_TIME, { message: 'until must be an ISO 8601 time: YYYY-MM-DDTHH:MM:SSZ' }),
    IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 time' }),
  );
}

/** The end time as a Date: null for none; in the past, or over 10 years ahead, refused (422). */
export function endTime(until: string | undefined, now = new Date()): Date | null {
  if (until === undefined) return null;
  const end = new Date(until);
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + UNTIL_MAX_YEARS);
  if (Number.isNaN(end.getTime()) || end <= now) {
    throw new InvalidInputError([{ field: 'until', message: 'until must be in the future' }]);
  }
  if (end > latest) {
    throw new InvalidInputError([
      {
        field: 'until',
        message: `until must be within ${UNTIL_MAX_YEARS} years; leave it out for no end`,
      },
    ]);
  }
  return end;
}
