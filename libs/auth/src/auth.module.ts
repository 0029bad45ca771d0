import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@chat/config';
import { EventsModule } from '@chat/events';
import { BearerAuthGuard, JwtAuthGuard } from './jwt-auth.guard';
import { BearerJwtStrategy, JWT_ALGORITHM, JwtStrategy } from './jwt.strategy';
import { Session } from './session.entity';
import { SessionsService } from './sessions.service';
import { TokenVerifier } from './token-verifier.service';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    PassportModule,
    EventsModule,
    TypeOrmModule.forFeature([Session]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.jwtTtlSeconds },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  providers: [
    JwtStrategy,
    BearerJwtStrategy,
    JwtAuthGuard,
    BearerAuthGuard,
    SessionsService,
    TokensService,
    TokenVerifier,
  ],
  exports: [JwtAuthGuard, BearerAuthGuard, SessionsService, TokensService, TokenVerifier],
})
export class AuthModule {}
