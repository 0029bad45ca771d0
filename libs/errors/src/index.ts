export {
  AuthenticationError,
  ConflictError,
  DomainError,
  FieldProblem,
  InvalidInputError,
  PermissionError,
} from './domain-errors';
export { ErrorsModule } from './errors.module';
