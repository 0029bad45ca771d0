import { Express, json, Request, Response } from 'express';
import type { Server } from 'node:http';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { serveAvatarFiles } from '@chat/avatars';
import { AppConfig } from '@chat/config';
import { refuseDeepJson } from '@chat/errors';
import { REQUEST_ID_HEADER, requestLogging } from '@chat/logging';
import { asyncApiDocument } from '@chat/protocol';
import { ChatWsAdapter } from '@chat/realtime';
import { serveWebClient } from '@chat/web-client';
import { securityHeaders } from './security-headers';

const MAX_JSON_BODY = '64kb';

/** Everything about the HTTP server that is not a module: shared by main.ts and the tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  // First, so that every request has its id and its line, whoever answers it.
  app.use(requestLogging());
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  limitSlowClients(app.getHttpServer() as Server, config);
  // Behind nginx: client addresses (rate limits) and https (secure cookies) come from X-Forwarded-*.
  app.set('trust proxy', config.trustProxy);
  app.useWebSocketAdapter(new ChatWsAdapter(app));
  serveAvatarFiles(app, config);
  serveWebClient(app, config);
  // express.json() itself: Nest's useBodyParser() keeps `verify` for its rawBody option.
  app.use(json({ limit: MAX_JSON_BODY, verify: refuseDeepJson }));
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: [REQUEST_ID_HEADER],
    maxAge: 600,
  });
  const openApi = new DocumentBuilder()
    .setTitle('Real-time chat API')
    .setDescription(
      'HTTP routes of the chat server. The socket at /ws (subprotocol chat.v2) is described ' +
        'in AsyncAPI 3 at /docs/asyncapi.json.',
    )
    .addBearerAuth()
    .build();
  serveAsyncApi(app, config);
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  app.enableShutdownHooks();
}

/** The chat.v2 socket's AsyncAPI document, naming the host and scheme the caller reached. */
function serveAsyncApi(app: NestExpressApplication, config: AppConfig): void {
  const http = app.getHttpAdapter().getInstance() as Express;
  http.get('/docs/asyncapi.json', (request: Request, response: Response) => {
    const host = request.get('host') ?? `localhost:${config.port}`;
    // It names the host asked for: no cache may hand it to a client that asked another.
    response.set('Cache-Control', 'no-store');
    response.json(asyncApiDocument({ host, protocol: request.secure ? 'wss' : 'ws' }));
  });
}

/**
 * A client that drips its headers or body gets 408 once the time is up instead of holding a
 * connection open. Node checks these timers every connectionsCheckingInterval (30 s by default),
 * set before listen() takes effect.
 */
function limitSlowClients(server: Server, config: AppConfig): void {
  server.requestTimeout = config.http.requestTimeoutMs;
  server.headersTimeout = config.http.headersTimeoutMs;
  // Read when the server starts listening; the option is missing from @types/node's Server.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.min(1_000, config.http.headersTimeoutMs);
}
