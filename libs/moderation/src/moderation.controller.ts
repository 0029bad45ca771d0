import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ActiveBan, Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { Mute } from '@chat/mutes';
import { Role } from '@chat/roles';
import { PathId } from '@chat/rooms';
import { BansService } from './bans.service';
import {
  BanDto,
  KickDto,
  MuteDto,
  MutesQueryDto,
  ReportsQueryDto,
  ResolveReportDto,
} from './dto/moderation-requests.dto';
import {
  BanViewDto,
  KickResultDto,
  MuteViewDto,
  ReportsPageDto,
  ReportViewDto,
} from './dto/moderation-responses.dto';
import { KickResult, KicksService } from './kicks.service';
import { MutesService } from './mutes.service';
import { Report } from './reports.repository';
import { ReportsPage, ReportsService } from './reports.service';

const INVALID = 'A malformed id, a reason empty or over 500 characters, an end in the past';
const WHO = 'The caller may not act on this user (see docs/moderation.md for who acts on whom)';

/** Bans, mutes, kicks and the report queue, under /api/v1/moderation. */
@ApiTags('moderation')
@Controller('api/v1/moderation')
export class ModerationController {
  constructor(
    private readonly bans: BansService,
    private readonly mutes: MutesService,
    private readonly kicks: KicksService,
    private readonly reports: ReportsService,
  ) {}

  /** Bans a user site-wide: their sockets are closed with a notice and sign-in refused. */
  @Post('bans')
  @Authenticated({ role: Role.Moderator })
  @ApiCreatedResponse({ type: BanViewDto })
  @ApiForbiddenResponse({ description: WHO })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  ban(@CurrentUser() caller: AuthUser, @Body() body: BanDto): Promise<ActiveBan> {
    return this.bans.ban(caller, body);
  }

  @Get('bans')
  @Authenticated({ role: Role.Moderator })
  @ApiOkResponse({
    type: BanViewDto,
    isArray: true,
    description: 'The bans in force, newest first',
  })
  listBans(): Promise<ActiveBan[]> {
    return this.bans.list();
  }

  @Delete('bans/:user_id')
  @HttpCode(204)
  @Authenticated({ role: Role.Moderator })
  @ApiNoContentResponse({ description: 'Lifted' })
  @ApiForbiddenResponse({ description: WHO })
  @ApiNotFoundResponse({ description: 'No such user, or not banned' })
  async unban(@CurrentUser() caller: AuthUser, @PathId('user_id') userId: number): Promise<void> {
    await this.bans.unban(caller, userId);
  }

  /**
   * Mutes a user everywhere (site moderators and admins) or in one room (its owner, or a site
   * moderator in a public room): they read but cannot send or edit there.
   */
  @Post('mutes')
  @Authenticated()
  @ApiCreatedResponse({ type: MuteViewDto })
  @ApiForbiddenResponse({ description: WHO })
  @ApiNotFoundResponse({ description: 'No such user, or a room the caller cannot see' })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  mute(@CurrentUser() caller: AuthUser, @Body() body: MuteDto): Promise<Mute> {
    return this.mutes.mute(caller, body);
  }

  @Get('mutes')
  @Authenticated({ role: Role.Moderator })
  @ApiOkResponse({ type: MuteViewDto, isArray: true, description: "A user's mutes in force" })
  listMutes(@Query() query: MutesQueryDto): Promise<Mute[]> {
    return this.mutes.of(query.user_id ?? 0);
  }

  @Delete('mutes/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiNoContentResponse({ description: 'Lifted' })
  @ApiForbiddenResponse({ description: WHO })
  @ApiNotFoundResponse({ description: 'No such mute in force' })
  async unmute(@CurrentUser() caller: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.mutes.unmute(caller, id);
  }

  /** Removes a member from a room (and with `ban`, keeps them out), as its owner or a moderator. */
  @Post('kicks')
  @HttpCode(200)
  @Authenticated()
  @ApiOkResponse({ type: KickResultDto })
  @ApiForbiddenResponse({ description: WHO })
  @ApiNotFoundResponse({ description: 'No such room or user, or not a member' })
  @ApiUnprocessableEntityResponse({ description: INVALID })
  kick(@CurrentUser() caller: AuthUser, @Body() body: KickDto): Promise<KickResult> {
    return this.kicks.kick(caller, body);
  }

  @Delete('room-bans/:room_id/:user_id')
  @HttpCode(204)
  @Authenticated()
  @ApiNoContentResponse({ description: 'Lifted' })
  @ApiForbiddenResponse({ description: WHO })
  @ApiNotFoundResponse({ description: 'No such room or user, or not banned from it' })
  async liftRoomBan(
    @CurrentUser() caller: AuthUser,
    @PathId('room_id') roomId: number,
    @PathId('user_id') userId: number,
  ): Promise<void> {
    await this.kicks.liftBan(caller, roomId, userId);
  }

  /** The report queue, newest first. */
  @Get('reports')
  @Authenticated({ role: Role.Moderator })
  @ApiOkResponse({ type: ReportsPageDto })
  listReports(
    @CurrentUser() caller: AuthUser,
    @Query() query: ReportsQueryDto,
  ): Promise<ReportsPage> {
    return this.reports.page(caller, query.status ?? 'open', query.cursor);
  }

  @Post('reports/:id/resolve')
  @HttpCode(200)
  @Authenticated({ role: Role.Moderator })
  @ApiOkResponse({ type: ReportViewDto })
  @ApiNotFoundResponse({ description: 'No such report' })
  resolve(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @Body() body: ResolveReportDto,
  ): Promise<Report> {
    return this.reports.resolve(caller, id, {
      note: body.note,
      deleteMessage: body.delete_message,
    });
  }
}
