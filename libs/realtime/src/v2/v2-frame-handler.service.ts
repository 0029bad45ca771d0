import { Injectable, Logger } from '@nestjs/common';
import { AuthUser, TokenVerifier } from '@chat/auth';
import {
  AuthenticationError,
  BadRequestError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  PermissionError,
  TooManyRequestsError,
  UnavailableError,
} from '@chat/errors';
import { RoomMessagesService } from '@chat/messages';
import {
  ackFrame,
  ErrorCode,
  errorFrame,
  ErrorFrame,
  FrameProblem,
  isFrameProblem,
  parseClientFrame,
  ParsedClientFrame,
} from '@chat/protocol';
import { ChatMetrics } from '@chat/metrics';
import { RoomAccess } from '@chat/rooms';
import { ClientConnection } from '../connection/client-connection';
import { CLOSE_POLICY_VIOLATION, CLOSE_TRY_AGAIN_LATER } from '../connection/close-codes';
import { ConnectionRegistry } from '../connection-registry.service';
import { MessageRateLimiter } from '../message-rate-limiter.service';
import { RoomFanout } from '../room-fanout.service';
import { PresenceSockets } from '../presence/presence-sockets.service';
import { PresenceFrames } from './presence-frames.service';
import { ReadFrames } from './read-frames.service';
import { RoomResume } from './room-resume.service';

/** What a client frame does on a chat.v2 socket (see docs/protocol.md). */
@Injectable()
export class V2FrameHandler {
  private readonly logger = new Logger('V2FrameHandler');

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly messages: RoomMessagesService,
    private readonly rooms: RoomAccess,
    private readonly registry: ConnectionRegistry,
    private readonly fanout: RoomFanout,
    private readonly resumes: RoomResume,
    private readonly readFrames: ReadFrames,
    private readonly presenceFrames: PresenceFrames,
    private readonly presenceSockets: PresenceSockets,
    private readonly limiter: MessageRateLimiter,
    private readonly metrics: ChatMetrics,
  ) {}

  async handle(connection: ClientConnection, data: Buffer, isBinary: boolean): Promise<void> {
    if (connection.tokenExpired(Date.now())) return connection.refuse('Token expired');
    const frame: ParsedClientFrame | FrameProblem = isBinary
      ? { code: 'invalid_frame', detail: 'Frames are JSON text' }
      : parseClientFrame(data.toString('utf8'));
    if (isFrameProblem(frame)) {
      this.metrics.framesRejected.inc({ reason: 'invalid_format' });
      if (!connection.user) return this.close(connection, notAuthenticated(frame.req));
      return connection.send(errorFrame(frame.req, frame.code, frame.detail));
    }
    if (!connection.user) {
      if (frame.type !== 'auth') return this.close(connection, notAuthenticated(frame.req));
      return this.signIn(connection, frame.token, frame.req);
    }
    try {
      await this.act(connection, connection.user, frame);
    } catch (error) {
      this.answerFailure(connection, frame.req, error);
    }
  }

  /** Closes a socket that has not authenticated in time. */
  closeUnauthenticated(connection: ClientConnection): void {
    if (!connection.user) {
      this.close(connection, errorFrame(undefined, 'not_authenticated', 'Authenticate first'));
    }
  }

  private async act(connection: ClientConnection, user: AuthUser, frame: ParsedClientFrame) {
    if (frame.type === 'auth') return this.refresh(connection, user, frame.token, frame.req);
    const caller = await this.verifier.recheck(user);
    if (!caller) return connection.refuse('Invalid token');
    switch (frame.type) {
      case 'message.send': {
        if (!this.limiter.take(caller.id)) {
          this.metrics.rateLimited.inc();
          throw new TooManyRequestsError('Rate limit exceeded');
        }
        const inRoom = connection.streams?.has(frame.roomId) ?? false;
        const sent = await this.messages.send(
          caller,
          frame.roomId,
          frame.text,
          frame.clientId,
          inRoom,
        );
        return connection.send(ackFrame(frame.req, { message: sent.message }));
      }
      case 'message.edit': {
        const change = await this.messages.edit(caller, frame.messageId, frame.text);
        return connection.send(ackFrame(frame.req, changeResult(frame.messageId, change)));
      }
      case 'message.delete': {
        const change = await this.messages.remove(caller, frame.messageId);
        return connection.send(ackFrame(frame.req, changeResult(frame.messageId, change)));
      }
      case 'resume':
        await this.resumes.resume(connection, frame.req, frame.rooms);
        return connection.send(ackFrame(frame.req));
      case 'read':
        return connection.send(ackFrame(frame.req, await this.readFrames.read(caller, frame)));
      case 'typing':
        await this.presenceFrames.typing(connection, caller, frame.roomId);
        return connection.send(ackFrame(frame.req));
      case 'presence':
        await this.presenceFrames.setStatus(connection, frame.status);
        return connection.send(ackFrame(frame.req));
    }
  }

  /** The first frame: the socket speaks for the token's user and joins that user's rooms. */
  private async signIn(connection: ClientConnection, token: string, req?: string): Promise<void> {
    let user: AuthUser;
    let rooms: { room_id: number; last_seq: number }[];
    try {
      user = await this.verifier.authenticate(token);
      // A socket that closed meanwhile has left the registry: signing it in would put it back.
      if (!connection.isOpen) return;
      connection.signIn(user);
      this.registry.signedIn(connection);
      const read = this.rooms.roomsOf(user.id);
      // Presence announces the user's status to the same rooms: one read serves both.
      this.presenceSockets.roomsRead(user.id, read);
      rooms = await read;
    } catch (error) {
      if (error instanceof DomainError) {
        this.metrics.framesRejected.inc({ reason: 'invalid_token' });
        return this.close(connection, tokenRefusal(req, error));
      }
      this.logger.warn(`WebSocket sign-in failed: ${(error as Error).message}`);
      connection.send(errorFrame(req, 'unavailable', 'Temporarily unavailable'));
      return connection.socket.close(CLOSE_TRY_AGAIN_LATER, 'Temporarily unavailable');
    }
    // Likewise for its rooms: the registry would keep serving them to a socket that is gone.
    if (!connection.isOpen) return;
    // Each room from the number the socket is in it from (later than the one read when this
    // instance passed changes on meanwhile), without those the user left meanwhile.
    const joined = rooms.flatMap((room) => {
      const from = this.fanout.join(connection, room.room_id, room.last_seq);
      return from === null ? [] : [{ room_id: room.room_id, last_seq: from }];
    });
    this.logger.log(`WebSocket authenticated (user ${user.id}, chat.v2)`);
    connection.send(ackFrame(req, { user_id: user.id, rooms: joined }));
  }

  /** A fresh token of the same user: the socket lives on until the new one expires. */
  private async refresh(
    connection: ClientConnection,
    current: AuthUser,
    token: string,
    req?: string,
  ): Promise<void> {
    const user = await this.verifier.authenticate(token);
    if (user.id !== current.id) throw new PermissionError('The token is of another user');
    connection.signIn(user);
    connection.send(ackFrame(req, { user_id: user.id }));
  }

  private answerFailure(connection: ClientConnection, req: string | undefined, error: unknown) {
    if (error instanceof AuthenticationError)
      return this.close(connection, tokenRefusal(req, error));
    const code = codeOf(error);
    if (code) return connection.send(errorFrame(req, code, (error as DomainError).detail));
    this.logger.error('A v2 frame failed', (error as Error).stack);
    connection.send(errorFrame(req, 'unavailable', 'Temporarily unavailable'));
  }

  private close(connection: ClientConnection, frame: ErrorFrame): void {
    connection.send(frame);
    if (connection.isOpen) connection.socket.close(CLOSE_POLICY_VIOLATION, frame.detail);
  }
}

function notAuthenticated(req: string | undefined): ErrorFrame {
  return errorFrame(req, 'not_authenticated', 'The first frame must be auth');
}

/** An expired token is told apart: the client gets a fresh one rather than signing in again. */
function tokenRefusal(req: string | undefined, error: DomainError): ErrorFrame {
  return error instanceof AuthenticationError && error.detail === 'Token expired'
    ? errorFrame(req, 'token_expired', 'Token expired')
    : errorFrame(req, 'invalid_token', 'Invalid token');
}

function changeResult(messageId: number, change: { room_id: number; seq: number }) {
  return { message_id: messageId, room_id: change.room_id, seq: change.seq };
}

/** The error code of a domain error the client can correct; undefined for anything else. */
function codeOf(error: unknown): ErrorCode | undefined {
  if (error instanceof NotFoundError) return 'not_found';
  if (error instanceof PermissionError) return 'forbidden';
  if (error instanceof TooManyRequestsError) return 'rate_limited';
  if (error instanceof UnavailableError) return 'unavailable';
  if (error instanceof InvalidInputError || error instanceof BadRequestError) {
    return 'invalid_input';
  }
  if (error instanceof DomainError) return 'forbidden';
  return undefined;
}
