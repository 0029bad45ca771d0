/** Errors the domain raises; the API filter and the socket gateway map each kind to an answer. */
export abstract class DomainError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The request as a whole cannot be used, e.g. a file that is not an image (400). */
export class BadRequestError extends DomainError {}

/** The server cannot take this now; the client may retry later (503). */
export class UnavailableError extends DomainError {}

/** This caller has asked for too much at once; it may retry once earlier requests are done (429). */
export class TooManyRequestsError extends DomainError {}

/** No credentials, or credentials that no longer hold (401). */
export class AuthenticationError extends DomainError {}

/** A known caller without the right to do this (403). */
export class PermissionError extends DomainError {}

/**
 * There is no such thing for this caller (404): also what a non-member is told of a private room,
 * so its existence does not leak.
 */
export class NotFoundError extends DomainError {}

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
