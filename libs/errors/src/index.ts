export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DomainError,
  FieldProblem,
  InvalidInputError,
  NotFoundError,
  PermissionError,
  TooManyRequestsError,
  UnavailableError,
} from './domain-errors';
export { ErrorsModule } from './errors.module';
export { refuseDeepJson } from './json-depth';
