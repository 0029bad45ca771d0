import type { ExecutionContext } from '@nestjs/common';
import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import fc from 'fast-check';
import { ConflictError, PermissionError } from '@chat/errors';
import { Role, ROLES } from './role.enum';
import { Roles } from './roles.decorator';
import { RolesGuard } from './roles.guard';

@Controller()
class Routes {
  @Get()
  open(): void {}

  @Get()
  @Roles(Role.Moderator)
  moderators(): void {}

  @Get()
  @Roles(Role.Admin, () => new ConflictError('Unauthorized access'))
  adminsWithContractAnswer(): void {}
}

@Controller()
@Roles(Role.Admin)
class AdminRoutes {
  @Get()
  inherited(): void {}

  @Get()
  @Roles(Role.User)
  overridden(): void {}
}

const guard = new RolesGuard(new Reflector());

function contextFor(routes: object, handler: string, caller?: { role: Role }): ExecutionContext {
  return {
    getHandler: () => (routes as Record<string, unknown>)[handler],
    getClass: () => routes.constructor,
    switchToHttp: () => ({ getRequest: () => ({ user: caller }) }),
  } as unknown as ExecutionContext;
}

describe('RolesGuard', () => {
  it('lets anyone through a handler without @Roles', () => {
    expect(guard.canActivate(contextFor(new Routes(), 'open'))).toBe(true);
  });

  it('admits a caller exactly when their role is at least the minimum', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), (role) => {
        const context = contextFor(new Routes(), 'moderators', { role });
        if (role >= Role.Moderator) expect(guard.canActivate(context)).toBe(true);
        else expect(() => guard.canActivate(context)).toThrow(PermissionError);
      }),
    );
  });

  it('refuses a request with no caller as it refuses a low role', () => {
    expect(() => guard.canActivate(contextFor(new Routes(), 'moderators'))).toThrow(
      new PermissionError('Insufficient role'),
    );
  });

  it("answers with the handler's own refusal where the contract wants one", () => {
    const context = contextFor(new Routes(), 'adminsWithContractAnswer', { role: Role.Moderator });
    expect(() => guard.canActivate(context)).toThrow(new ConflictError('Unauthorized access'));
  });

  it("applies a controller's @Roles to its handlers, and a handler's own @Roles over it", () => {
    const routes = new AdminRoutes();
    expect(() =>
      guard.canActivate(contextFor(routes, 'inherited', { role: Role.Moderator })),
    ).toThrow(PermissionError);
    expect(guard.canActivate(contextFor(routes, 'overridden', { role: Role.User }))).toBe(true);
  });
});
