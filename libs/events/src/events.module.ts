import { Module } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { ChatMetrics, MetricsModule } from '@chat/metrics';
import { EventBus, LocalEventBus } from './event-bus';
import { RedisEventBus } from './redis-event-bus';

/** Provides the EventBus: over Redis pub/sub when REDIS_URL is set, in-process otherwise. */
@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: EventBus,
      inject: [AppConfig, ChatMetrics],
      useFactory: (config: AppConfig, metrics: ChatMetrics) =>
        config.redis
          ? new RedisEventBus(config.redis.url, config.redis.prefix, metrics.busReceived)
          : new LocalEventBus(),
    },
  ],
  exports: [EventBus],
})
export class EventsModule {}
