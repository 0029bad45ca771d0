import {
  ArgumentsHost,
  BadRequestException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import fc from 'fast-check';
import { ApiExceptionFilter } from './api-exception.filter';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InvalidInputError,
  PermissionError,
  TooManyRequestsError,
  UnavailableError,
} from './domain-errors';

interface Answer {
  status?: number;
  body?: unknown;
}

/** What the filter answers to `exception` on one request. */
function answerTo(exception: unknown, headersSent = false): Answer {
  const answer: Answer = {};
  const response = {
    headersSent,
    status(code: number) {
      answer.status = code;
      return this;
    },
    json(body: unknown) {
      answer.body = body;
    },
  };
  const request = { method: 'POST', path: '/somewhere', id: 'request-1' };
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return answer;
}

describe('ApiExceptionFilter', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it.each([
    [new BadRequestError('Not an image'), 400],
    [new AuthenticationError('Invalid token'), 401],
    [new PermissionError('Insufficient role'), 403],
    [new ConflictError('Name is occupied'), 409],
    [new TooManyRequestsError('Too many avatars'), 429],
    [new UnavailableError('Try later'), 503],
  ])('answers %p with %i and its detail', (error, status) => {
    expect(answerTo(error)).toEqual({ status, body: { detail: error.detail } });
  });

  it('lists the field problems of invalid input with 422', () => {
    const problems = [{ field: 'name', message: 'name must be 1 to 32 characters' }];
    expect(answerTo(new InvalidInputError(problems))).toEqual({
      status: 422,
      body: { detail: problems },
    });
  });

  it('answers 503 when the database cannot serve, by SQLSTATE or by pg message', () => {
    const unavailable = { status: 503, body: { detail: 'Service unavailable' } };
    expect(answerTo(Object.assign(new Error('terminating'), { code: '57P01' }))).toEqual(
      unavailable,
    );
    expect(answerTo(new Error('Connection terminated unexpectedly'))).toEqual(unavailable);
  });

  it('answers a body that is not JSON, or nests too deeply, with 422 on the body field', () => {
    const notJson = new BadRequestException('Unexpected token', {
      cause: Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed' }),
    });
    expect(answerTo(notJson)).toEqual({
      status: 422,
      body: { detail: [{ field: 'body', message: 'body must be valid JSON' }] },
    });
    const tooDeep = new BadRequestException('deep', {
      cause: Object.assign(new Error('JSON nests deeper than 32 levels'), {
        type: 'entity.too.deep',
      }),
    });
    expect(answerTo(tooDeep).body).toEqual({
      detail: [{ field: 'body', message: 'JSON nests deeper than 32 levels' }],
    });
  });

  it("words framework errors in the contract's terms", () => {
    expect(answerTo(new NotFoundException('Cannot GET /x'))).toEqual({
      status: 404,
      body: { detail: 'Not Found' },
    });
    expect(answerTo(new PayloadTooLargeException()).body).toEqual({
      detail: 'Request body too large',
    });
  });

  it('keeps the body of a deliberate 503, such as a failed readiness check', () => {
    const notReady = new ServiceUnavailableException({ status: 'error', database: 'down' });
    expect(answerTo(notReady)).toEqual({
      status: 503,
      body: { status: 'error', database: 'down' },
    });
  });

  it('answers anything else with 500 and the request id, never the error itself', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (secret) => {
        for (const failure of [new Error(secret), new HttpException(secret, 500), secret]) {
          expect(answerTo(failure)).toEqual({
            status: 500,
            body: { detail: 'Internal server error', request_id: 'request-1' },
          });
        }
      }),
      { numRuns: 50 },
    );
  });

  it("writes a 500's and an unavailable database's line with the request's own logger", () => {
    const lines: { level: string; fields: object; message: string }[] = [];
    const log = (level: string) => (fields: object, message: string) =>
      lines.push({ level, fields, message });
    const request = {
      method: 'GET',
      path: '/somewhere',
      id: 'request-2',
      log: { error: log('error'), warn: log('warn') },
    };
    const response = { headersSent: false, status: () => response, json: () => undefined };
    const host = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ArgumentsHost;
    // A failed statement's error carries its parameters (a password hash, say): never logged.
    const failure = Object.assign(new Error('boom'), { parameters: ['$2b$12$secret-hash'] });
    new ApiExceptionFilter().catch(failure, host);
    new ApiExceptionFilter().catch(new Error('Connection terminated unexpectedly'), host);
    expect(lines).toEqual([
      {
        level: 'error',
        fields: { context: 'ApiExceptionFilter', stack: failure.stack },
        message: 'Unhandled error on GET /somewhere (request id request-2)',
      },
      {
        level: 'warn',
        fields: { context: 'ApiExceptionFilter' },
        message: 'GET /somewhere: database unavailable',
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-hash');
  });

  it('writes nothing once the response has started', () => {
    expect(answerTo(new ConflictError('late'), true)).toEqual({});
  });
});
