export { AuthModule } from './auth.module';
export { AuthUser } from './auth-user';
export { Authenticated, AuthenticatedOptions } from './authenticated.decorator';
export { CurrentUser } from './current-user.decorator';
export { SessionsService } from './sessions.service';
export { TokenVerifier } from './token-verifier.service';
export { TokensService } from './tokens.service';
export { ActiveBan, banDetail, BansRepository } from './bans.repository';
