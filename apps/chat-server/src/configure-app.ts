import { LogLevel } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { serveAvatarFiles } from '@chat/avatars';
import { AppConfig } from '@chat/config';
import { ChatWsAdapter } from '@chat/realtime';

const MAX_JSON_BODY = '64kb';

const NEST_LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Everything about the HTTP server that is not a module: shared by main.ts and the tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(NEST_LOG_LEVELS[config.logLevel]);
  app.disable('x-powered-by');
  app.useWebSocketAdapter(new ChatWsAdapter(app));
  serveAvatarFiles(app, config);
  app.useBodyParser('json', { limit: MAX_JSON_BODY });
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    maxAge: 600,
  });
  const openApi = new DocumentBuilder()
    .setTitle('Real-time chat API')
    .setDescription('HTTP routes of the chat server. The live room is a plain WebSocket at /ws.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  app.enableShutdownHooks();
}
