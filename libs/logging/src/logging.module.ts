import { Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { destination } from 'pino';
import pretty from 'pino-pretty';
import { AppConfig } from '@chat/config';
import { assignRequestId, redactUrl } from './request-id';

/** Paths polled by machines: answered without a log line. */
const QUIET_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

/**
 * pino for every log line: readable in development, JSON lines otherwise. Each request gets an id
 * (logged on every line written while handling it and echoed in X-Request-Id); credentials never
 * appear. Lines are written synchronously, so the last ones of a shutdown are not lost.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: [
          {
            level: config.logLevel,
            genReqId: assignRequestId,
            autoLogging: {
              ignore: (request: IncomingMessage) => QUIET_PATHS.test(request.url ?? ''),
            },
            serializers: {
              req: (request: { id: string; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: redactUrl(request.url),
              }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
          },
          config.nodeEnv === 'development'
            ? pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' })
            : destination({ sync: true }),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
