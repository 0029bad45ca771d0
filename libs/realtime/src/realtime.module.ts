import { Module } from '@nestjs/common';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MessagesModule } from '@chat/messages';
import { MetricsModule } from '@chat/metrics';
import { PresenceModule } from '@chat/presence';
import { RoomsModule } from '@chat/rooms';
import { ChatGateway } from './chat.gateway';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';
import { FrameHandler } from './frame-handler.service';
import { MessageRateLimiter } from './message-rate-limiter.service';
import { PresenceDelivery } from './presence/presence-delivery.service';
import { PresenceSockets } from './presence/presence-sockets.service';
import { RoomFanout } from './room-fanout.service';
import { SessionRecheck } from './session-recheck.service';
import { PresenceFrames } from './v2/presence-frames.service';
import { ReadFrames } from './v2/read-frames.service';
import { RoomResume } from './v2/room-resume.service';
import { UnreadPushes } from './v2/unread-pushes.service';
import { V2FrameHandler } from './v2/v2-frame-handler.service';

@Module({
  imports: [AuthModule, EventsModule, MessagesModule, MetricsModule, PresenceModule, RoomsModule],
  providers: [
    ChatGateway,
    ConnectionRegistry,
    EventBroadcaster,
    FrameHandler,
    MessageRateLimiter,
    PresenceDelivery,
    PresenceFrames,
    PresenceSockets,
    ReadFrames,
    RoomFanout,
    RoomResume,
    SessionRecheck,
    UnreadPushes,
    V2FrameHandler,
  ],
})
export class RealtimeModule {}
