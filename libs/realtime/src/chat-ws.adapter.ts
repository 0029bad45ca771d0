import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * Nest's ws adapter with two changes. The gateway reads frames and watches for close itself (the
 * contract's frames are not Nest's `{event, data}`), so the adapter binds no per-socket message or
 * disconnect streams: they would cost every idle socket several kilobytes of RxJS subscribers. And
 * a client's protocol errors (an oversized frame, say) are logged at debug level, since any client
 * can cause them and they must not flood the log.
 */
export class ChatWsAdapter extends WsAdapter {
  private readonly socketLogger = new Logger('WebSocket');

  override bindMessageHandlers(): void {}

  override bindClientDisconnect(): void {}

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    // One listener for every socket rather than a closure each.
    const clientError = (error: Error) => this.socketLogger.debug(`Client error: ${error.message}`);
    server.on('connection', (socket: WebSocket) => socket.on('error', clientError));
    server.on('error', (error: Error) => this.socketLogger.error(error));
    return server;
  }
}
