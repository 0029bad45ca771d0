import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Nest's Express adapter with one change: its HTTP server creates each request and response with
 * Express's prototypes already in place. Express otherwise swaps both prototypes on every request
 * (Object.setPrototypeOf), which V8 handles badly: much of each request then outlives the young
 * generation, and scavenges measured here took about 9 ms instead of 0.3 ms, the tail of every
 * route's latency (the approach of expressjs/express#5998). The server speaks plain HTTP; TLS ends
 * at the proxy in front.
 */
export class ChatHttpAdapter extends ExpressAdapter {
  override initHttpServer(): void {
    const app = this.getInstance<Express>();
    this.httpServer = createServer(
      {
        IncomingMessage: constructing(IncomingMessage, app.request),
        ServerResponse: constructing<typeof ServerResponse>(ServerResponse, app.response),
      },
      app,
    );
  }
}

/** A constructor for `base` whose instances have `prototype` (which must inherit from base's). */
function constructing<C extends new (...args: never[]) => object>(base: C, prototype: object): C {
  function Constructed(...args: never[]): object {
    return Reflect.construct(base, args, Constructed) as object;
  }
  Constructed.prototype = prototype;
  return Constructed as unknown as C;
}
