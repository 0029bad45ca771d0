export { BansService } from './bans.service';
export { KicksService } from './kicks.service';
export { ModerationModule } from './moderation.module';
export { MutesService } from './mutes.service';
export { Report, ReportsRepository } from './reports.repository';
export { ReportsService } from './reports.service';
