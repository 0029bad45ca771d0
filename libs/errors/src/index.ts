export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DomainError,
  FieldProblem,
  InvalidInputError,
  PermissionError,
  TooManyRequestsError,
  UnavailableError,
} from './domain-errors';
export { ErrorsModule } from './errors.module';
export { refuseDeepJson } from './json-depth';
