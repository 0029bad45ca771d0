import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiConflictResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { InvalidInputError } from '@chat/errors';
import { ChatThrottlerGuard } from './chat-throttler.guard';
import { UserProfileDto } from './dto/responses.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { UsersService } from './users.service';

/** The caller's own profile, with the token in the `Authorization: Bearer` header only. */
@ApiTags('user')
@ApiUnauthorizedResponse({ description: 'No token in the Authorization header, or not valid' })
@Controller('api/v1/me')
@Authenticated()
export class ProfileController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserProfileDto })
  async me(@CurrentUser() caller: AuthUser): Promise<UserProfileDto> {
    return new UserProfileDto(await this.users.profile(caller));
  }

  /**
   * Renames and/or changes the password (`current_password` required with `password`); a new
   * password ends every other session. Answers the profile as it now is.
   */
  @Patch()
  @UseGuards(ChatThrottlerGuard)
  @SkipThrottle({ default: true, account: true })
  @ApiOkResponse({ type: UserProfileDto })
  @ApiTooManyRequestsResponse({ description: 'Over PROFILE_UPDATE_RATE_LIMIT changes a minute' })
  @ApiConflictResponse({
    description: '`Invalid credentials` (wrong current_password) or `Name is occupied`',
  })
  @ApiUnprocessableEntityResponse({
    description: 'Nothing to change, a field malformed, or password without current_password',
  })
  async update(
    @CurrentUser() caller: AuthUser,
    @Body() body: UpdateProfileDto,
  ): Promise<UserProfileDto> {
    const changes = { name: body.name, password: body.password };
    if (changes.name === undefined && changes.password === undefined) {
      throw new InvalidInputError([{ field: 'body', message: 'name or password is required' }]);
    }
    if (body.password !== undefined) {
      await this.users.checkPassword(caller, body.current_password!);
    }
    await this.users.update(caller, changes);
    return new UserProfileDto(await this.users.profile(caller));
  }
}
