import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { CreateRoomDto, DirectoryQueryDto, UpdateRoomDto } from './dto/room-requests.dto';
import { DirectoryPageDto, MyRoomDto, RoomViewDto } from './dto/room-responses.dto';
import { PathId } from './path-id.decorator';
import { DirectoryPage, MyRoom, RoomView } from './room-views';
import { RoomsService } from './rooms.service';

const NOT_FOUND = 'No such room, or a private room or DM the caller is not in';

@ApiTags('rooms')
@Authenticated()
@Controller('api/v1/rooms')
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  /** The caller's rooms: general first, then the others in id order, archived ones included. */
  @Get()
  @ApiOkResponse({ type: MyRoomDto, isArray: true })
  mine(@CurrentUser() caller: AuthUser): Promise<MyRoom[]> {
    return this.rooms.mine(caller);
  }

  /** Open public rooms by name, 50 a page. */
  @Get('public')
  @ApiOkResponse({ type: DirectoryPageDto })
  directory(
    @CurrentUser() caller: AuthUser,
    @Query() query: DirectoryQueryDto,
  ): Promise<DirectoryPage> {
    return this.rooms.directory(caller, query.q, query.cursor);
  }

  /** A new room; the caller is its owner. */
  @Post()
  @ApiCreatedResponse({ type: RoomViewDto })
  @ApiTooManyRequestsResponse({ description: 'More than ROOMS_CREATED_PER_HOUR this hour' })
  create(@CurrentUser() caller: AuthUser, @Body() body: CreateRoomDto): Promise<RoomView> {
    return this.rooms.create(caller, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: RoomViewDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  view(@CurrentUser() caller: AuthUser, @PathId('id') id: number): Promise<RoomView> {
    return this.rooms.view(caller, id);
  }

  /** Rename or set the topic: the owner, or a site moderator/admin in a public room. */
  @Patch(':id')
  @ApiOkResponse({ type: RoomViewDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  update(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @Body() body: UpdateRoomDto,
  ): Promise<RoomView> {
    return this.rooms.update(caller, id, body);
  }

  /** Archive (the same rule as PATCH; never the general room). Archiving twice is fine. */
  @Delete(':id')
  @ApiOkResponse({ type: RoomViewDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  archive(@CurrentUser() caller: AuthUser, @PathId('id') id: number): Promise<RoomView> {
    return this.rooms.archive(caller, id);
  }
}
