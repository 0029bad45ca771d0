import { createSecretKey } from 'node:crypto';
import { BansRepository } from './bans.repository';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@chat/config';
import { EventsModule } from '@chat/events';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { BearerTokenStrategy, CompatTokenStrategy } from './token.strategy';
import { TokenVerifier } from './token-verifier.service';
import { TokensService } from './tokens.service';

/** Tokens are HS256 only, signed and verified (TokenVerifier) with JWT_SECRET. */
const JWT_ALGORITHM = 'HS256';

@Module({
  imports: [
    PassportModule,
    EventsModule,
    TypeOrmModule.forFeature([Session]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A key object: given the string, jsonwebtoken first tries (and fails) to read it as a
        // public key on every verify, which cost more than the rest of a socket's sign-in.
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.jwtTtlSeconds },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  providers: [
    BansRepository,
    CompatTokenStrategy,
    BearerTokenStrategy,
    SessionsService,
    SessionsRepository,
    TokensService,
    TokenVerifier,
  ],
  exports: [BansRepository, SessionsService, TokensService, TokenVerifier],
})
export class AuthModule {}
