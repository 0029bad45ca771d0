export { PresenceModule } from './presence.module';
export { PresenceService } from './presence.service';
export type { PresenceStatus, SocketStatus } from './presence-status';
export { TypingService } from './typing.service';
