import { Module } from '@nestjs/common';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { EventsModule } from '@chat/events';
import { MetricsModule } from '@chat/metrics';
import { RoomsModule } from '@chat/rooms';
import { MemoryPresenceStore } from './memory-presence-store';
import { PresenceController } from './presence.controller';
import { PresenceService } from './presence.service';
import { PresenceStore } from './presence-store';
import { RedisPresenceStore } from './redis-presence-store';
import { TypingService } from './typing.service';

/**
 * Presence and typing: in Redis under `<REDIS_PREFIX>presence:` when REDIS_URL is set, in memory
 * otherwise; `GET /api/v1/presence`. The sockets are realtime's: it reports them here and shows
 * the bus's presence.changed and typing events.
 */
@Module({
  imports: [AuthModule, EventsModule, MetricsModule, RoomsModule],
  controllers: [PresenceController],
  providers: [
    {
      provide: PresenceStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.redis
          ? new RedisPresenceStore(
              config.redis.url,
              `${config.redis.prefix}presence:`,
              config.presence.instanceTtlMs,
            )
          : new MemoryPresenceStore(),
    },
    PresenceService,
    TypingService,
  ],
  exports: [PresenceService, TypingService],
})
export class PresenceModule {}
