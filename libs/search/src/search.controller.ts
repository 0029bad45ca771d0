import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import type { SearchAnswer } from '@chat/protocol';
import { SearchAnswerDto } from './dto/search-answer.dto';
import { SearchQueryDto } from './dto/search-query.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Authenticated()
@Controller('api/v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  /**
   * Messages the caller can read (the general room and the rooms they are in) matching `q`: the
   * newest 500 matches ranked, best first, newest first among equals, then the next 500 on later
   * pages. Any text is a query; one with nothing to look for answers no results and a `notice`.
   */
  @Get()
  @ApiOkResponse({ type: SearchAnswerDto })
  @ApiUnprocessableEntityResponse({
    description: 'q empty or over 1000 characters; a malformed id, time, cursor or limit',
  })
  @ApiForbiddenResponse({ description: 'room_id: a public room the caller has not joined' })
  @ApiNotFoundResponse({
    description: 'room_id: no such room, or a private room or DM the caller is not in',
  })
  @ApiTooManyRequestsResponse({
    description: 'Over SEARCH_RATE_BURST searches at once, then SEARCH_RATE_LIMIT a second',
  })
  @ApiServiceUnavailableResponse({
    description: 'The search ran past SEARCH_TIMEOUT_MS, or too many are waiting on this instance',
  })
  find(@CurrentUser() caller: AuthUser, @Query() query: SearchQueryDto): Promise<SearchAnswer> {
    return this.search.search(caller, query);
  }
}
