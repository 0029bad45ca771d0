import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocketServer } from 'ws';

/**
 * Nest's ws adapter with two changes: frames are read by the gateway itself (the contract's frames
 * are not Nest's `{event, data}`), so the adapter does not parse them a second time; and a client's
 * protocol errors (an oversized frame, say) are logged at debug level, since any client can cause
 * them and they must not flood the log.
 */
export class ChatWsAdapter extends WsAdapter {
  private readonly socketLogger = new Logger('WebSocket');

  constructor(app: ConstructorParameters<typeof WsAdapter>[0]) {
    super(app, { messageParser: () => undefined });
  }

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
