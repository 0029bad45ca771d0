import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import { RawData, VerifyClientCallbackAsync, WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '@chat/config';
import { MessagesService } from '@chat/messages';
import { ChatMetrics } from '@chat/metrics';
import { SUBPROTOCOL } from '@chat/protocol';
import { addressKey, clientAddress } from './client-address';
import { ClientConnection, ConnectionObserver } from './connection/client-connection';
import { CLOSE_GOING_AWAY, CLOSE_TOO_LARGE } from './connection/close-codes';
import { ConnectionRegistry } from './connection-registry.service';
import { releaseReceivedFrame } from './connection/received-frame';
import { FrameHandler } from './frame-handler.service';
import { RoomStreams } from './v2/room-streams';
import { V2FrameHandler } from './v2/v2-frame-handler.service';

/** How long a v2 socket has to send its auth frame (closed by the expiry sweep, up to 1 s later). */
const AUTH_TIMEOUT_MS = 10_000;

/** How often sockets whose token expired are closed: at most this late after the expiry. */
const EXPIRY_SWEEP_MS = 1_000;

/**
 * How long shutdown waits for clients to answer the 1001 close before the adapter destroys the
 * sockets left; well inside the 10 s a container gets between SIGTERM and SIGKILL.
 */
const CLOSE_HANDSHAKE_WAIT_MS = 2_000;

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
  /**
   * Each socket's connection, for the listeners every socket shares: a closure per socket and
   * listener would cost every idle socket some 200 bytes more.
   */
  private readonly sockets = new WeakMap<WebSocket, ClientConnection>();
  /** The client's address key, worked out once at the handshake (verifyClient) for its socket. */
  private readonly addresses = new WeakMap<IncomingMessage, string>();
  private readonly observer: ConnectionObserver = {
    slowConsumer: (connection) => {
      this.metrics.slowConsumers.inc();
      this.logger.warn(`Disconnected a client that stopped reading (user ${connection.user?.id})`);
    },
    frameFailed: (connection, error) => {
      this.logger.error('A frame failed', (error as Error).stack);
      connection.notify('Temporarily unavailable');
    },
    frameSent: () => this.metrics.framesSent.inc(),
  };

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConnectionRegistry,
    private readonly frames: FrameHandler,
    private readonly v2Frames: V2FrameHandler,
    private readonly messages: MessagesService,
    private readonly metrics: ChatMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  afterInit(server: WebSocketServer): void {
    // ws reads these per connection: larger frames close the socket with 1009, and a handshake
    // from an address that already holds its share of sockets gets 429.
    server.options.maxPayload = this.config.socket.maxFrameBytes;
    const verifyClient: VerifyClientCallbackAsync = ({ req }, done) => {
      const address = this.addressOf(req);
      if (address === undefined) return done(false, 400, 'Connection closed');
      this.addresses.set(req, address);
      const open = this.registry.openFrom(address);
      if (open < this.config.socket.maxConnectionsPerAddress) return done(true);
      this.metrics.connectionsRefused.inc();
      done(false, 429, 'Too many connections from this address');
    };
    server.options.verifyClient = verifyClient;
    // Only chat.v2 is agreed to; a client offering anything else gets no subprotocol (compat).
    server.options.handleProtocols = (offered: Set<string>) =>
      offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
    this.registry.startHeartbeat(this.config.socket.pingIntervalMs);
    this.registry.authOverdue = (connection) => this.v2Frames.closeUnauthenticated(connection);
    this.registry.startExpirySweep(EXPIRY_SWEEP_MS);
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    if (this.closing) return socket.close(CLOSE_GOING_AWAY, 'Server shutting down');
    // Read once, at the handshake: a client that has reset since has no address left to read.
    const address = this.addresses.get(request);
    if (address === undefined) return socket.terminate();
    const connection = new ClientConnection(
      socket,
      address,
      this.config.socket.maxBufferedBytes,
      this.observer,
    );
    const v2 = socket.protocol === SUBPROTOCOL;
    if (v2) connection.streams = new RoomStreams(this.config.socket.maxBufferedBytes);
    this.registry.add(connection);
    this.sockets.set(socket, connection);
    // The same three listeners for every socket, which finds its connection (see `sockets`).
    socket.on('close', this.onClose);
    socket.on('pong', this.onPong);
    socket.on('message', this.onMessage);
    if (v2) {
      this.registry.awaitAuth(connection, AUTH_TIMEOUT_MS);
      return this.logger.log('WebSocket connected (chat.v2)');
    }
    this.signInFromUrl(connection, request.url);
  }

  /** A compat socket's token, if its URL has one (`/ws?token=`). */
  private signInFromUrl(connection: ClientConnection, url: string | undefined): void {
    const token = new URL(url ?? '/', 'http://localhost').searchParams.get('token');
    if (token) connection.enqueue(() => this.frames.signIn(connection, token));
    else this.logger.log('WebSocket connected (anonymous)');
  }

  /** Called on the socket (`this`) that closed. */
  private readonly onClose = (() => {
    const gateway = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return function (this: WebSocket, code: number): void {
      const connection = gateway.sockets.get(this);
      if (!connection) return;
      gateway.registry.remove(connection);
      gateway.logger.log(`WebSocket closed (${describe(connection)}, code ${code})`);
      if (code === CLOSE_TOO_LARGE) gateway.metrics.framesRejected.inc({ reason: 'too_large' });
    };
  })();

  /** Called on the socket (`this`) that answered a ping. */
  private readonly onPong = (() => {
    const sockets = this.sockets;
    return function (this: WebSocket): void {
      releaseReceivedFrame(this);
      const connection = sockets.get(this);
      if (connection) connection.alive = true;
    };
  })();

  /** Called on the socket (`this`) a frame came from. */
  private readonly onMessage = (() => {
    const gateway = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return function (this: WebSocket, data: RawData, isBinary: boolean): void {
      gateway.metrics.framesReceived.inc();
      releaseReceivedFrame(this);
      const connection = gateway.sockets.get(this);
      if (gateway.closing || !connection) return;
      const frames = connection.streams ? gateway.v2Frames : gateway.frames;
      connection.enqueue(() => frames.handle(connection, data as Buffer, isBinary));
    };
  })();

  /** Stops taking frames, lets accepted messages be stored and broadcast, then says goodbye. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.messages.drain();
    await this.registry.closeAll('Server shutting down', CLOSE_HANDSHAKE_WAIT_MS);
  }

  /**
   * The key of the client's address behind the proxies TRUST_PROXY trusts (as the HTTP routes see
   * it) for the per-address cap: an IPv6 address counts by its /64.
   */
  private addressOf(request: IncomingMessage): string | undefined {
    const address = clientAddress(this.adapterHost.httpAdapter.getInstance<Express>(), request);
    return address === undefined ? undefined : addressKey(address);
  }
}

function describe(connection: ClientConnection): string {
  return connection.user ? `user ${connection.user.id}` : 'anonymous';
}
