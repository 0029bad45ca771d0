import { Module } from '@nestjs/common';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MessagesModule } from '@chat/messages';
import { MetricsModule } from '@chat/metrics';
import { RoomsModule } from '@chat/rooms';
import { ChatGateway } from './chat.gateway';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';
import { FrameHandler } from './frame-handler.service';
import { MessageRateLimiter } from './message-rate-limiter.service';
import { RoomFanout } from './room-fanout.service';
import { PresenceFrames } from './v2/presence-frames.service';
import { ReadFrames } from './v2/read-frames.service';
import { RoomResume } from './v2/room-resume.service';
import { V2FrameHandler } from './v2/v2-frame-handler.service';

@Module({
  imports: [AuthModule, EventsModule, MessagesModule, MetricsModule, RoomsModule],
  providers: [
    ChatGateway,
    ConnectionRegistry,
    EventBroadcaster,
    FrameHandler,
    MessageRateLimiter,
    PresenceFrames,
    ReadFrames,
    RoomFanout,
    RoomResume,
    V2FrameHandler,
  ],
})
export class RealtimeModule {}
