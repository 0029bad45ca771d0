/** Errors the domain raises; the API filter and the socket gateway map each kind to an answer. */
export abstract class DomainError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** No credentials, or credentials that no longer hold (401). */
export class AuthenticationError extends DomainError {}

/** A known caller without the right to do this (403). */
export class PermissionError extends DomainError {}

/** The request clashes with the current state (409, as the wire contract uses it). */
export class ConflictError extends DomainError {}

export interface FieldProblem {
  field: string;
  message: string;
}

/** The request's fields are malformed (422). */
export class InvalidInputError extends DomainError {
  constructor(readonly problems: FieldProblem[]) {
    super('Invalid input');
  }
}
