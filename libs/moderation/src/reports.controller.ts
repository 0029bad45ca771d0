import { Body, Controller, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authenticated, AuthUser, CurrentUser } from '@chat/auth';
import { MessagePathDto } from '@chat/messages';
import { ReportDto } from './dto/moderation-requests.dto';
import { ReportViewDto } from './dto/moderation-responses.dto';
import { Report } from './reports.repository';
import { ReportsService } from './reports.service';

@ApiTags('moderation')
@Authenticated()
@Controller('api/v1/messages/:id/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Reports a message the caller can read, once, with a reason. */
  @Post()
  @ApiCreatedResponse({ type: ReportViewDto })
  @ApiNotFoundResponse({ description: 'No such message, or one in a room the caller cannot read' })
  @ApiConflictResponse({ description: 'Reported by the caller already, or their own message' })
  @ApiUnprocessableEntityResponse({ description: 'A reason empty or over 500 characters' })
  @ApiTooManyRequestsResponse({
    description: 'Over REPORT_RATE_BURST reports at once, then REPORT_RATE_PER_MINUTE',
  })
  report(
    @CurrentUser() caller: AuthUser,
    @Param() path: MessagePathDto,
    @Body() body: ReportDto,
  ): Promise<Report> {
    return this.reports.report(caller, path.id, body.reason);
  }
}
