import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IsNewPassword, IsUserName } from './user-fields';

export class UserChangesDto {
  @IsOptional()
  @IsUserName()
  name?: string;

  @IsOptional()
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
