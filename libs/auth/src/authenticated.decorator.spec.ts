import { GUARDS_METADATA } from '@nestjs/common/constants';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ConflictError } from '@chat/errors';
import { Role, RolesGuard } from '@chat/roles';
import { Authenticated } from './authenticated.decorator';
import { BEARER_TOKEN_STRATEGY, COMPAT_TOKEN_STRATEGY } from './token.strategy';

/** Where @nestjs/swagger keeps @ApiBearerAuth (its constants are not exported). */
const API_SECURITY = 'swagger/apiSecurity';

class PerCallerThrottle {}

@Controller()
class Routes {
  @Get()
  @Authenticated()
  bearer(): void {}

  @Get()
  @Authenticated({ compat: true })
  compat(): void {}

  @Get()
  @Authenticated({ role: Role.Moderator, refusal: () => new ConflictError('No') })
  moderators(): void {}

  @Get()
  @UseGuards(PerCallerThrottle)
  @Authenticated()
  throttled(): void {}
}

const guardsOf = (handler: keyof Routes): unknown[] =>
  Reflect.getMetadata(GUARDS_METADATA, Routes.prototype[handler]) as unknown[];

describe('@Authenticated', () => {
  it('takes the token from the Authorization header only, unless the route is compat', () => {
    expect(guardsOf('bearer')).toEqual([AuthGuard(BEARER_TOKEN_STRATEGY)]);
    expect(guardsOf('compat')).toEqual([AuthGuard(COMPAT_TOKEN_STRATEGY)]);
  });

  it('checks the role after authenticating, with the given minimum and refusal', () => {
    expect(guardsOf('moderators')).toEqual([AuthGuard(BEARER_TOKEN_STRATEGY), RolesGuard]);
    const requirement = Reflect.getMetadata('roles', Routes.prototype.moderators) as {
      minimum: Role;
      refusal: () => Error;
    };
    expect(requirement.minimum).toBe(Role.Moderator);
    expect(requirement.refusal()).toEqual(new ConflictError('No'));
  });

  it('runs a guard written above it after authentication, so that guard knows the caller', () => {
    expect(guardsOf('throttled')).toEqual([AuthGuard(BEARER_TOKEN_STRATEGY), PerCallerThrottle]);
  });

  it('documents the bearer scheme in OpenAPI', () => {
    for (const handler of ['bearer', 'compat', 'moderators'] as const) {
      expect(Reflect.getMetadata(API_SECURITY, Routes.prototype[handler])).toEqual([
        { bearer: [] },
      ]);
    }
  });
});
