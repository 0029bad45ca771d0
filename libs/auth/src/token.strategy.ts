import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { AuthUser } from './auth-user';
import { extractBearerToken, extractToken } from './token-extractor';
import { TokenVerifier } from './token-verifier.service';

/** Passport strategy names; @Authenticated picks one per route. */
export const COMPAT_TOKEN_STRATEGY = 'chat-compat-token';
export const BEARER_TOKEN_STRATEGY = 'chat-bearer-token';

/**
 * Compat routes: the token wherever the seed's client puts it (see extractToken). Verification is
 * TokenVerifier's, the same as for sockets; a refusal is thrown as the AuthenticationError it is.
 */
@Injectable()
export class CompatTokenStrategy extends PassportStrategy(Strategy, COMPAT_TOKEN_STRATEGY) {
  constructor(private readonly verifier: TokenVerifier) {
    super();
  }

  validate(request: Request): Promise<AuthUser> {
    return this.verifier.authenticate(extractToken(request));
  }
}

/** Routes outside the compat contract: the `Authorization: Bearer` header only. */
@Injectable()
export class BearerTokenStrategy extends PassportStrategy(Strategy, BEARER_TOKEN_STRATEGY) {
  constructor(private readonly verifier: TokenVerifier) {
    super();
  }

  validate(request: Request): Promise<AuthUser> {
    return this.verifier.authenticate(extractBearerToken(request));
  }
}
