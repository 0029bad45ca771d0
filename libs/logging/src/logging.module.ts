import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { destination } from 'pino';
import { pinoHttp } from 'pino-http';
import pretty from 'pino-pretty';
import { AppConfig } from '@chat/config';
import { assignRequestId, redactUrl } from './request-id';

/** Paths polled by machines: answered without a log line. */
const QUIET_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

/**
 * pino for every log line: readable in development, JSON lines otherwise. Each request gets an id,
 * logged on its line when it is answered and echoed in X-Request-Id (a 500's line names it too);
 * credentials never appear. Lines are written synchronously, so the last ones of a shutdown are
 * not lost.
 *
 * nestjs-pino serves as Nest's logger but mounts no middleware (`forRoutes: []`): its own would
 * also bind each request's logger in an AsyncLocalStorage, and once one is in use Node 20 tracks
 * the async context of every promise in the process, the sockets' too (README, Operating it).
 * pino-http alone logs the requests.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: [
          {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
          },
          config.nodeEnv === 'development'
            ? pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' })
            : destination({ sync: true }),
        ],
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    const requestLog = pinoHttp({
      // The logger nestjs-pino built (its Logger provider has been made by now): one destination.
      logger: PinoLogger.root,
      genReqId: assignRequestId,
      autoLogging: { ignore: (request: IncomingMessage) => QUIET_PATHS.test(request.url ?? '') },
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.url),
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
    });
    // Every route, as nestjs-pino's own default.
    consumer.apply(requestLog).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
