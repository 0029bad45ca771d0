import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination } from 'pino';
import pretty from 'pino-pretty';
import { AppConfig } from '@chat/config';

/**
 * pino for every log line: readable in development, JSON lines otherwise; credentials never
 * appear. Lines are written synchronously, so the last ones of a shutdown are not lost.
 *
 * nestjs-pino serves as Nest's logger but mounts no middleware (`forRoutes: []`): its own would
 * also bind each request's logger in an AsyncLocalStorage, and once one is in use Node 20 tracks
 * the async context of every promise in the process, the sockets' too (README, Operating it).
 * Requests are logged by requestLogging(), which the app mounts ahead of everything else.
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
export class LoggingModule {}
