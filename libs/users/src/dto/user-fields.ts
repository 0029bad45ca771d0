import { applyDecorators } from '@nestjs/common';
import { passwordProblem } from '@chat/config';
import { Transform } from 'class-transformer';
import { IsString, Matches, ValidateBy } from 'class-validator';

export const NAME_MAX_CHARACTERS = 100;
/** Accounts are renamed to this pattern on deletion, so nobody may take it. */
export const DELETED_NAME_PATTERN = /^deleted #\d+$/i;

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

function characters(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

/** A display name: trimmed, 1 to 100 characters, no control characters, not a reserved name. */
export function IsUserName(): PropertyDecorator {
  return applyDecorators(
    trim,
    IsString(),
    ValidateBy({
      name: 'nameLength',
      validator: {
        validate: (value) => characters(value) >= 1 && characters(value) <= NAME_MAX_CHARACTERS,
        defaultMessage: () => `name must be 1 to ${NAME_MAX_CHARACTERS} characters`,
      },
    }),
    Matches(/^[^\p{Cc}\p{Cs}]*$/u, {
      message: 'name must not contain control characters or unpaired surrogates',
    }),
    ValidateBy({
      name: 'notReservedName',
      validator: {
        validate: (value) => typeof value === 'string' && !DELETED_NAME_PATTERN.test(value),
        defaultMessage: () => 'name is reserved',
      },
    }),
  );
}

/**
 * A new password, by the rule every account's password follows (passwordProblem): 8 to 72 bytes
 * in UTF-8 (bcrypt reads no further), not only spaces, no NUL (bcrypt would stop reading there).
 */
export function IsNewPassword(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    ValidateBy({
      name: 'newPassword',
      validator: {
        validate: (value) => typeof value === 'string' && passwordProblem(value) === null,
        defaultMessage: (args) => `password ${passwordProblem(String(args?.value))}`,
      },
    }),
  );
}
