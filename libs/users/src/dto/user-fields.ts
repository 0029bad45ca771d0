import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsByteLength, IsString, Matches, ValidateBy } from 'class-validator';

export const NAME_MAX_CHARACTERS = 100;
export const PASSWORD_BYTES = { min: 8, max: 72 } as const;
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

/** A new password: 8 to 72 bytes in UTF-8 (bcrypt reads no further), not only spaces. */
export function IsNewPassword(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: 'password must not be blank' }),
    // bcrypt stops reading at a NUL byte: "secret\0anything" would hash as "secret".
    Matches(/^[^\0]*$/, { message: 'password must not contain NUL characters' }),
    IsByteLength(PASSWORD_BYTES.min, PASSWORD_BYTES.max, {
      message: `password must be ${PASSWORD_BYTES.min} to ${PASSWORD_BYTES.max} bytes in UTF-8`,
    }),
  );
}
