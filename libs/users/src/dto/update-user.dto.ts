import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { IsNewPassword, IsUserName } from './user-fields';

/** Either field may be left out; `null` is not "left out" and is refused. */
const unlessAbsent = ValidateIf((_changes: object, value: unknown) => value !== undefined);

export class UserChangesDto {
  @unlessAbsent
  @IsUserName()
  name?: string;

  @unlessAbsent
  @IsNewPassword()
  password?: string;
}

/** The original client's shape: `{"jwt_token": {"token"}, "data_update": {...}}`. */
export class UpdateUserDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UserChangesDto)
  data_update!: UserChangesDto;
}
