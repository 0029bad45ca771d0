import { Module } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { EventBus, LocalEventBus } from './event-bus';
import { RedisEventBus } from './redis-event-bus';

/** Provides the EventBus: over Redis pub/sub when REDIS_URL is set, in-process otherwise. */
@Module({
  providers: [
    {
      provide: EventBus,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.redis
          ? new RedisEventBus(config.redis.url, config.redis.prefix)
          : new LocalEventBus(),
    },
  ],
  exports: [EventBus],
})
export class EventsModule {}
