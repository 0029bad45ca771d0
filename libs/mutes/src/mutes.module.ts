import { Module } from '@nestjs/common';
import { EventsModule } from '@chat/events';
import { MuteRegistry } from './mute-registry.service';
import { MutesRepository } from './mutes.repository';

/** Mutes in force and the check every send and edit makes (see MuteRegistry). */
@Module({
  imports: [EventsModule],
  providers: [MutesRepository, MuteRegistry],
  exports: [MutesRepository, MuteRegistry],
})
export class MutesModule {}
