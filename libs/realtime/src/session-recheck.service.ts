import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SessionsService } from '@chat/auth';
import { EventBus } from '@chat/events';
import { ConnectionRegistry } from './connection-registry.service';

/**
 * Revocations (logout, a ban, a demotion) reach the other instances over the bus once. When this
 * instance's link comes back, the sessions of its sockets are read again from the database, and
 * the sockets of those that ended meanwhile are closed, as a revocation would have closed them.
 */
@Injectable()
export class SessionRecheck implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionRecheck.name);
  private stop?: () => void;

  constructor(
    private readonly events: EventBus,
    private readonly sessions: SessionsService,
    private readonly registry: ConnectionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = this.events.onConnectionChange((connected) => {
      if (connected) void this.recheck();
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  async recheck(): Promise<void> {
    try {
      const ended = new Set(await this.sessions.endedAmong(this.registry.sessionIds()));
      for (const connection of this.registry.signedInWith(ended))
        connection.refuse('Invalid token');
    } catch (error) {
      this.logger.warn(`Sessions not checked again: ${(error as Error).message}`);
    }
  }
}
