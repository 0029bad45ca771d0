import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { Request } from 'express';
import { InvalidInputError } from '@chat/errors';
import { ID_MAX } from './room-id';

/**
 * A room or user id from the path: digits only (no sign, no leading zero, no exponent, no
 * spaces), from 1 to 2^31-1; anything else is 422 naming the parameter, before any lookup.
 */
export function parsePathId(value: unknown, field: string): number {
  if (typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= ID_MAX) {
    return Number(value);
  }
  throw new InvalidInputError([
    { field, message: `${field} must be an integer from 1 to ${ID_MAX}` },
  ]);
}

// A custom decorator rather than @Param with a pipe: the global ValidationPipe turns a number
// parameter into +value first ("1e3" would be 1000, " 1" would be 1), and it leaves custom ones be.
const pathId = createParamDecorator((field: string, context: ExecutionContext): number =>
  parsePathId(context.switchToHttp().getRequest<Request>().params[field], field),
);

/** The path parameter `field` as an id (see parsePathId), documented in OpenAPI. */
export function PathId(field: string): ParameterDecorator {
  return (target, method, index) => {
    pathId(field)(target, method, index);
    if (method === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, method)!;
    ApiParam({ name: field, schema: { type: 'integer', minimum: 1, maximum: ID_MAX } })(
      target,
      method,
      descriptor,
    );
  };
}
