export { AuthModule } from './auth.module';
export { AuthUser } from './auth-user';
export { CurrentUser } from './current-user.decorator';
export { BearerAuthGuard, JwtAuthGuard } from './jwt-auth.guard';
export { SessionsService } from './sessions.service';
export { TokenVerifier } from './token-verifier.service';
export { TokensService } from './tokens.service';
