import type { RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { assignRequestId, redactUrl } from './request-id';

/** Paths polled by machines: answered without a log line. */
const QUIET_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

/**
 * Gives every request an id (echoed in X-Request-Id) and a log line when it is answered, through
 * the root logger LoggingModule configured: its level, redaction and destination. `request.log`
 * is then a logger with the request on every line. Call it once the app has been created.
 */
export function requestLogging(): RequestHandler {
  const logger = PinoLogger.root;
  if (!logger) throw new Error('requestLogging() before LoggingModule built its logger');
  return pinoHttp({
    logger,
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
  }) as RequestHandler;
}
