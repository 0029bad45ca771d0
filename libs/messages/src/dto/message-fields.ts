import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, Min, ValidateBy } from 'class-validator';
import { MESSAGE_MAX_CHARACTERS, normalizeMessageText } from '@chat/protocol';

/** A message id: a non-negative integer that fits a JSON number exactly. */
export function IsMessageId(): PropertyDecorator {
  return applyDecorators(Min(0), Max(Number.MAX_SAFE_INTEGER), IsInt());
}

/** Message text: trimmed, 1 to 1000 characters. */
export function IsMessageText(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => normalizeMessageText(value) ?? value),
    ValidateBy({
      name: 'messageText',
      validator: {
        validate: (value) => normalizeMessageText(value) !== null,
        defaultMessage: () => `message must be 1 to ${MESSAGE_MAX_CHARACTERS} characters`,
      },
    }),
    IsString(),
  );
}

/** An integer query parameter: digits only, then checked as a number. */
export const IntegerParameter = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
);
