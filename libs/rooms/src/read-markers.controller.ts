import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { ReadMarkerDto, ReadResultDto } from './dto/read-marker.dto';
import { PathId } from './path-id.decorator';
import { ReadMarkers, ReadResult } from './read-markers.service';

@ApiTags('rooms')
@Authenticated()
@Controller('api/v1/rooms/:id')
export class ReadMarkersController {
  constructor(private readonly markers: ReadMarkers) {}

  /**
   * Moves the caller's read marker up to `seq`: never backwards, never past the room's newest
   * number. Answers the caller's counts; when the marker moved, the caller's sockets get `read`
   * and `unread` frames.
   */
  @Post('read')
  @HttpCode(200)
  @ApiOkResponse({ type: ReadResultDto })
  @ApiNotFoundResponse({ description: 'No such room, or a room the caller is not a member of' })
  @ApiUnprocessableEntityResponse({ description: 'A malformed room id or seq' })
  @ApiTooManyRequestsResponse({
    description: 'Over READ_MARKER_RATE_BURST reads at once, then READ_MARKER_RATE_LIMIT a second',
  })
  read(
    @CurrentUser() caller: AuthUser,
    @PathId('id') id: number,
    @Body() body: ReadMarkerDto,
  ): Promise<ReadResult> {
    return this.markers.read(caller, id, body.seq);
  }
}
