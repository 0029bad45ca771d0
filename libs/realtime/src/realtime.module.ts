import { Module } from '@nestjs/common';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MessagesModule } from '@chat/messages';
import { MetricsModule } from '@chat/metrics';
import { ChatGateway } from './chat.gateway';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';
import { FrameHandler } from './frame-handler.service';
import { MessageRateLimiter } from './message-rate-limiter.service';
import { MissedMessagesCatchUp } from './missed-messages-catch-up.service';

@Module({
  imports: [AuthModule, EventsModule, MessagesModule, MetricsModule],
  providers: [
    ChatGateway,
    ConnectionRegistry,
    EventBroadcaster,
    FrameHandler,
    MessageRateLimiter,
    MissedMessagesCatchUp,
  ],
})
export class RealtimeModule {}
