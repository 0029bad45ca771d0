import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsNewPassword, IsUserName } from './user-fields';

/** Any field may be left out; `null` is not "left out" and is refused. */
const unlessAbsent = ValidateIf((_changes: object, value: unknown) => value !== undefined);

/** `PATCH /api/v1/me`: a new password needs the current one. */
export class UpdateProfileDto {
  @unlessAbsent
  @IsUserName()
  name?: string;

  @unlessAbsent
  @IsNewPassword()
  password?: string;

  /** Required with `password`; a wrong one is 409 Invalid credentials. */
  @ValidateIf(
    (changes: UpdateProfileDto, value: unknown) =>
      changes.password !== undefined || value !== undefined,
  )
  @MaxLength(1000)
  @IsString({ message: 'current_password is required to change the password' })
  current_password?: string;
}
