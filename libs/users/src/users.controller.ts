import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { ListUsersQueryDto, USERS_PAGE_MAX } from './dto/list-users.dto';
import { ChatThrottlerGuard } from './chat-throttler.guard';
import { LoginDto } from './dto/login.dto';
import {
  LoginResponseDto,
  MessageResponseDto,
  UserProfileDto,
  UserSummaryDto,
} from './dto/responses.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UsersService } from './users.service';

@ApiTags('user')
@Controller('user')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('login')
  @HttpCode(200)
  @UseGuards(ChatThrottlerGuard)
  @SkipThrottle({ profile: true })
  async login(@Body() body: LoginDto): Promise<LoginResponseDto> {
    const { token, userId } = await this.users.login(body.name, body.password);
    return new LoginResponseDto(token, userId);
  }

  @Post('logout')
  @HttpCode(200)
  @Authenticated({ compat: true })
  async logout(@CurrentUser() caller: AuthUser): Promise<MessageResponseDto> {
    return this.users.logout(caller).then(() => new MessageResponseDto('Logged out successfully'));
  }

  @Post('me')
  @HttpCode(200)
  @Authenticated({ compat: true })
  async meCompat(@CurrentUser() caller: AuthUser): Promise<UserProfileDto> {
    return new UserProfileDto(await this.users.profile(caller));
  }

  @Get('me')
  @Authenticated({ compat: true })
  async me(@CurrentUser() caller: AuthUser): Promise<UserProfileDto> {
    return new UserProfileDto(await this.users.profile(caller));
  }

  @Patch('update')
  @HttpCode(201)
  @UseGuards(ChatThrottlerGuard)
  @Authenticated({ compat: true })
  @SkipThrottle({ default: true, account: true })
  async update(
    @CurrentUser() caller: AuthUser,
    @Body() body: UpdateUserDto,
  ): Promise<MessageResponseDto> {
    return this.users
      .update(caller, body.data_update)
      .then(() => new MessageResponseDto('Data updated successfully'));
  }

  @Delete('delete')
  @HttpCode(201)
  @Authenticated({ compat: true })
  async delete(@CurrentUser() caller: AuthUser): Promise<MessageResponseDto> {
    return this.users
      .delete(caller.id)
      .then(() => new MessageResponseDto('User deleted successfully'));
  }

  /** Every account in id order; `limit` and `after_id` ask for one page of it. */
  @Get('all')
  async all(@Query() query: ListUsersQueryDto): Promise<UserSummaryDto[]> {
    const paged = query.limit !== undefined || query.after_id !== undefined;
    const page = paged
      ? { afterId: query.after_id ?? 0, limit: query.limit ?? USERS_PAGE_MAX }
      : undefined;
    return (await this.users.list(page)).map((user) => new UserSummaryDto(user));
  }
}
