import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Connections the kernel queues until the server accepts them (capped by net.core.somaxconn).
 * Node's default of 511 overflowed in a reconnect wave while the event loop was busy signing the
 * first sockets in: the rest had their SYNs dropped and waited seconds for TCP's retries.
 */
const LISTEN_BACKLOG = 4_096;

/** Node's constructors are plain functions: this is how Node itself initialises a subclass. */
const initRequest = IncomingMessage as unknown as (this: object, socket: Socket) => void;
const initResponse = ServerResponse as unknown as (
  this: object,
  request: IncomingMessage,
  options: object,
) => void;

/**
 * Nest's Express adapter with two changes. Its HTTP server listens with a backlog of
 * LISTEN_BACKLOG. And it creates each request and response with
 * Express's prototypes already in place. Express otherwise swaps both prototypes on every request
 * (Object.setPrototypeOf), which V8 handles badly: much of each request then outlives the young
 * generation, and scavenges measured here took milliseconds instead of a fraction of one, the tail
 * of every route's latency (the approach of expressjs/express#5998). The server speaks plain HTTP;
 * TLS ends at the proxy in front.
 */
export class ChatHttpAdapter extends ExpressAdapter {
  override initHttpServer(): void {
    const app = this.getInstance<Express>();
    function Request(this: object, socket: Socket): void {
      initRequest.call(this, socket);
    }
    Request.prototype = app.request;
    function Response(this: object, request: IncomingMessage, options: object): void {
      initResponse.call(this, request, options);
    }
    Response.prototype = app.response;
    this.httpServer = createServer(
      {
        IncomingMessage: Request as unknown as typeof IncomingMessage,
        ServerResponse: Response as unknown as typeof ServerResponse,
      },
      app,
    );
  }

  override listen(port: string | number, ...args: unknown[]): ReturnType<ExpressAdapter['listen']> {
    const host = typeof args[0] === 'string' ? args[0] : undefined;
    const callback = args.find((arg): arg is () => void => typeof arg === 'function');
    return this.httpServer.listen({ port: Number(port), host, backlog: LISTEN_BACKLOG }, callback);
  }
}
