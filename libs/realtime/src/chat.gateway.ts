import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { TokenVerifier } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { MessagesService } from '@chat/messages';
import { ClientConnection, CLOSE_GOING_AWAY, ConnectionObserver } from './client-connection';
import { ConnectionRegistry } from './connection-registry';
import { FrameHandler } from './frame-handler.service';

/** The chat room: a plain WebSocket at /ws speaking JSON frames (see the wire contract). */
@WebSocketGateway({ path: '/ws' })
export class ChatGateway
  implements
    OnGatewayInit<WebSocketServer>,
    OnGatewayConnection<WebSocket>,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger('ChatGateway');
  private closing = false;
  private readonly observer: ConnectionObserver = {
    slowConsumer: () => this.logger.warn('Disconnected a client that stopped reading'),
    frameFailed: (connection, error) => {
      this.logger.error('A frame failed', (error as Error).stack);
      connection.notify('Temporarily unavailable');
    },
  };

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConnectionRegistry,
    private readonly frames: FrameHandler,
    private readonly verifier: TokenVerifier,
    private readonly messages: MessagesService,
  ) {}

  afterInit(server: WebSocketServer): void {
    // ws reads this per connection: larger frames close the socket with 1009.
    server.options.maxPayload = this.config.socket.maxFrameBytes;
    this.registry.startHeartbeat(this.config.socket.pingIntervalMs);
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    if (this.closing) return socket.close(CLOSE_GOING_AWAY, 'Server shutting down');
    const connection = new ClientConnection(
      socket,
      this.config.socket.maxBufferedBytes,
      this.observer,
    );
    this.registry.add(connection);
    socket.on('close', () => this.registry.remove(connection));
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (this.closing) return;
      const accepted = connection.enqueue(() =>
        this.frames.handle(connection, data as Buffer, isBinary),
      );
      if (!accepted) connection.notify('Rate limit exceeded');
    });
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    if (token) connection.enqueue(() => this.authenticateAtConnect(connection, token));
  }

  /** Stops taking frames, lets accepted messages be stored and broadcast, then says goodbye. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.messages.drain();
    this.registry.closeAll('Server shutting down');
  }

  private async authenticateAtConnect(connection: ClientConnection, token: string): Promise<void> {
    try {
      connection.user = await this.verifier.authenticate(token);
    } catch {
      connection.refuse('Invalid token');
    }
  }
}
