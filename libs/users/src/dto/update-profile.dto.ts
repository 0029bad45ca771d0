import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { UserChangesDto } from './update-user.dto';

/** `PATCH /api/v1/me`: the changes of `PATCH /user/update`, and a new password needs the current one. */
export class UpdateProfileDto extends UserChangesDto {
  /** Required with `password`; a wrong one is 409 Invalid credentials. */
  @ValidateIf(
    (changes: UpdateProfileDto, value: unknown) =>
      changes.password !== undefined || value !== undefined,
  )
  @MaxLength(1000)
  @IsString({ message: 'current_password is required to change the password' })
  current_password?: string;
}
