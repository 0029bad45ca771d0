import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInputError } from './domain-errors';

/** Validates every DTO strictly (no type coercion), drops unknown fields, answers 422. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInputError(errors.flatMap((e) => problems(e))),
  });
}

function problems(error: ValidationError, parent?: string): FieldProblem[] {
  const field = error.property ? (parent ? `${parent}.${error.property}` : error.property) : 'body';
  const own = Object.values(error.constraints ?? {}).map((message) => ({
    field,
    message: error.property ? message : 'body must be a JSON object',
  }));
  return [...own, ...(error.children ?? []).flatMap((child) => problems(child, field))];
}
