import { Injectable, Logger } from '@nestjs/common';
import { AuthUser, TokenVerifier } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { DomainError, PermissionError } from '@chat/errors';
import { MessagesService } from '@chat/messages';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';
import { drained } from './connection/drained';
import { CLOSE_TRY_AGAIN_LATER } from './connection/close-codes';
import { ConnectionRegistry } from './connection-registry.service';
import { parseClientFrame } from './frames/client-frames';
import { authFrame, messageFrame, resumeFrame } from './frames/server-frames';
import { MessageRateLimiter } from './message-rate-limiter.service';

const REPLAY_PAGE = 500;

/** What a client frame does: send a message, authenticate the socket, or replay what it missed. */
@Injectable()
export class FrameHandler {
  private readonly logger = new Logger('FrameHandler');

  constructor(
    private readonly messages: MessagesService,
    private readonly verifier: TokenVerifier,
    private readonly limiter: MessageRateLimiter,
    private readonly metrics: ChatMetrics,
    private readonly registry: ConnectionRegistry,
    private readonly config: AppConfig,
  ) {}

  async handle(connection: ClientConnection, data: Buffer, isBinary: boolean): Promise<void> {
    if (connection.tokenExpired(Date.now())) return connection.refuse('Token expired');
    const frame = parseClientFrame(data, isBinary);
    if (!frame) {
      this.metrics.framesRejected.inc({ reason: 'invalid_format' });
      return connection.refuse('Invalid format');
    }
    if (frame.kind === 'resume') return this.resume(connection, frame.afterId);
    if (frame.kind === 'auth') return this.signIn(connection, frame.token, true);

    const author = await this.authenticate(connection, frame.token);
    if (!author) {
      this.metrics.framesRejected.inc({ reason: 'invalid_token' });
      return connection.refuse('Invalid token');
    }
    if (!this.limiter.take(author.id)) {
      this.metrics.rateLimited.inc();
      return connection.notify('Rate limit exceeded');
    }
    try {
      const { message, created } = await this.messages.send({
        userId: author.id,
        text: frame.text,
        clientId: frame.clientId,
      });
      // A new message reaches its sender with the broadcast; a repeat is answered here alone.
      if (!created) connection.send(messageFrame(message, frame.clientId));
    } catch (error) {
      if (error instanceof PermissionError) return connection.notify('Muted');
      this.logger.error(`Message from user ${author.id} not stored`, (error as Error).stack);
      connection.notify('Temporarily unavailable');
    }
  }

  /**
   * Authenticates the socket with a token given at connect (`/ws?token=`) or in an auth frame
   * (`acknowledge`: answered with `{"event": "auth", "user_id"}`); later frames may omit theirs.
   */
  async signIn(connection: ClientConnection, token: string, acknowledge = false): Promise<void> {
    try {
      connection.signIn(await this.verifier.authenticate(token));
    } catch (error) {
      if (error instanceof DomainError) {
        this.logger.log('WebSocket refused: invalid token');
        this.metrics.framesRejected.inc({ reason: 'invalid_token' });
        return connection.refuse('Invalid token');
      }
      // The token could not be checked (the database is away): not the client's fault.
      this.logger.warn(`WebSocket token check failed: ${(error as Error).message}`);
      connection.notify('Temporarily unavailable');
      return connection.socket.close(CLOSE_TRY_AGAIN_LATER, 'Temporarily unavailable');
    }
    this.registry.signedIn(connection);
    this.logger.log(`WebSocket authenticated (user ${connection.user!.id})`);
    if (acknowledge) connection.send(authFrame(connection.user!.id));
  }

  /** The frame's own token, else the one given at connect, as long as its session holds. */
  private async authenticate(
    connection: ClientConnection,
    token: string | undefined,
  ): Promise<AuthUser | null> {
    try {
      if (token) return await this.verifier.authenticate(token);
      return connection.user ? await this.verifier.recheck(connection.user) : null;
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  /**
   * For an authenticated socket: replays what it missed after `afterId`, then says the replay is
   * complete; when more than RESUME_MAX_MESSAGES were stored since, it tells the socket to reload
   * history instead.
   */
  private async resume(connection: ClientConnection, afterId: number): Promise<void> {
    // Without a token nothing is replayed, but the socket stays.
    if (!connection.user) return connection.notify('Not authenticated');
    // Held from the frame on, not from the replay's start: a message broadcast while the token is
    // rechecked and the missed ones counted comes after them, not before.
    connection.startReplay(this.registry.messagesSentTo(connection, afterId));
    let latestId: number | null = null;
    try {
      if (!(await this.verifier.recheck(connection.user))) {
        return connection.refuse('Invalid token');
      }
      const bound = this.config.resumeMaxMessages;
      if ((await this.messages.countSince(afterId, bound + 1)) <= bound) {
        latestId = await this.replay(connection, afterId, bound);
        if (latestId !== null) connection.send(resumeFrame(true, latestId));
      }
    } finally {
      connection.release();
    }
    if (latestId === null) await this.tellToReload(connection);
  }

  private async tellToReload(connection: ClientConnection): Promise<void> {
    connection.send(resumeFrame(false, await this.messages.latestId()));
  }

  /**
   * Sends every stored message with id > afterId, oldest first, while live broadcasts are held
   * back; pages wait for the socket to drain. The id of the newest message read, or null when
   * more than `bound` turned up (stored since they were counted) or the socket stopped reading:
   * what a replay holds stays within the bound.
   */
  private async replay(
    connection: ClientConnection,
    afterId: number,
    bound: number,
  ): Promise<number | null> {
    let latestId = afterId;
    let read = 0;
    for await (const page of this.messages.pagesSince(afterId, REPLAY_PAGE)) {
      read += page.length;
      if (read > bound) return null;
      for (const message of page) connection.replay(message);
      latestId = page[page.length - 1].message_id;
      if (page.length === REPLAY_PAGE && !(await drained(connection))) return null;
    }
    return latestId;
  }
}
