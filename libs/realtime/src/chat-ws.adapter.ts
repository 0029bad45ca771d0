import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocketServer } from 'ws';

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
    server.on('connection', (socket) =>
      socket.on('error', (error: Error) =>
        this.socketLogger.debug(`Client error: ${error.message}`),
      ),
    );
    server.on('error', (error: Error) => this.socketLogger.error(error));
    return server;
  }
}
