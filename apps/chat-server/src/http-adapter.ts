import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Node's constructors are plain functions: this is how Node itself initialises a subclass. */
const initRequest = IncomingMessage as unknown as (this: object, socket: Socket) => void;
const initResponse = ServerResponse as unknown as (
  this: object,
  request: IncomingMessage,
  options: object,
) => void;

/**
 * Nest's Express adapter with one change: its HTTP server creates each request and response with
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
}
