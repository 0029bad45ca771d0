import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '@chat/database';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  PermissionError,
  TooManyRequestsError,
  UnavailableError,
} from './domain-errors';

const STATUS_BY_ERROR = new Map<Function, number>([
  [BadRequestError, HttpStatus.BAD_REQUEST],
  [UnavailableError, HttpStatus.SERVICE_UNAVAILABLE],
  [AuthenticationError, HttpStatus.UNAUTHORIZED],
  [PermissionError, HttpStatus.FORBIDDEN],
  [NotFoundError, HttpStatus.NOT_FOUND],
  [ConflictError, HttpStatus.CONFLICT],
  [TooManyRequestsError, HttpStatus.TOO_MANY_REQUESTS],
  [InvalidInputError, HttpStatus.UNPROCESSABLE_ENTITY],
]);

/** Texts for framework errors, in the contract's words rather than Nest's. */
const DETAIL_BY_STATUS: Record<number, string> = {
  [HttpStatus.NOT_FOUND]: 'Not Found',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'Request body too large',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Too many requests',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'Unsupported media type',
};

const CONTEXT = 'ApiExceptionFilter';

function logOf(request: Request): RequestLog | undefined {
  return (request as Request & { log?: RequestLog }).log;
}

/** The one place where errors become HTTP answers: `{"detail": ...}` with the contract's status. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(CONTEXT);

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const [status, body] = this.answer(exception, request);
    if (!response.headersSent) response.status(status).json(body);
  }

  /** Through the request's own logger when it has one, so the line carries its id as a field. */
  private error(request: Request, message: string, exception: unknown): void {
    // The stack alone: pino would write the error's own fields too, a failed statement's
    // parameters among them.
    const stack = exception instanceof Error ? exception.stack : String(exception);
    const log = logOf(request);
    if (log) log.error({ context: CONTEXT, stack }, message);
    else this.logger.error(message, stack);
  }

  private warn(request: Request, message: string): void {
    const log = logOf(request);
    if (log) log.warn({ context: CONTEXT }, message);
    else this.logger.warn(message);
  }

  private answer(exception: unknown, request: Request): [number, object] {
    if (exception instanceof InvalidInputError) {
      return [HttpStatus.UNPROCESSABLE_ENTITY, { detail: exception.problems }];
    }
    if (exception instanceof DomainError) {
      return [
        STATUS_BY_ERROR.get(exception.constructor) ?? HttpStatus.BAD_REQUEST,
        { detail: exception.detail },
      ];
    }
    if (isDatabaseUnavailable(exception)) {
      this.warn(request, `${request.method} ${request.path}: database unavailable`);
      return [HttpStatus.SERVICE_UNAVAILABLE, { detail: 'Service unavailable' }];
    }
    const bodyProblem = malformedBodyProblem(exception);
    if (bodyProblem) {
      return [
        HttpStatus.UNPROCESSABLE_ENTITY,
        { detail: [{ field: 'body', message: bodyProblem }] },
      ];
    }
    if (exception instanceof HttpException && exception.getStatus() === 503) {
      // Deliberate "not now" answers, such as a failed readiness check, keep their body.
      const body = exception.getResponse();
      return [503, typeof body === 'object' ? body : { detail: body }];
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return [status, { detail: DETAIL_BY_STATUS[status] ?? exception.message }];
    }
    // pino-http has given the request an id, also sent back as X-Request-Id.
    const requestId = String((request as Request & { id?: unknown }).id ?? randomUUID());
    this.error(
      request,
      `Unhandled error on ${request.method} ${request.path} (request id ${requestId})`,
      exception,
    );
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      { detail: 'Internal server error', request_id: requestId },
    ];
  }
}

/** pino-http's logger of a request (see requestLogging), which puts the request on each line. */
interface RequestLog {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** body-parser's refusal of a body that is not JSON or nests too deeply, as Nest wraps it. */
function malformedBodyProblem(exception: unknown): string | undefined {
  const cause = exception instanceof HttpException ? exception.cause : undefined;
  const type = (cause as { type?: string } | undefined)?.type;
  if (type === 'entity.parse.failed') return 'body must be valid JSON';
  // body-parser wraps what `verify` throws, keeping the original error's type and message.
  if (type === 'entity.too.deep') return (cause as Error).message;
  return undefined;
}
