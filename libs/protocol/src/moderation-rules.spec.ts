import fc from 'fast-check';
import { roomActionRefusal, siteActionRefusal } from './moderation-rules';

enum Role {
  User = 1,
  Moderator = 2,
  Admin = 3,
}

const ROLES = [Role.User, Role.Moderator, Role.Admin];
const NAMES = { [Role.User]: 'user', [Role.Moderator]: 'moderator', [Role.Admin]: 'admin' };

describe('who may act on whom', () => {
  // [actor, target, allowed]
  const siteMatrix: [Role, Role, boolean][] = [
    [Role.User, Role.User, false],
    [Role.User, Role.Moderator, false],
    [Role.User, Role.Admin, false],
    [Role.Moderator, Role.User, true],
    [Role.Moderator, Role.Moderator, false],
    [Role.Moderator, Role.Admin, false],
    [Role.Admin, Role.User, true],
    [Role.Admin, Role.Moderator, true],
    [Role.Admin, Role.Admin, true],
  ];

  it.each(siteMatrix)('site action: %s on %s allowed: %s', (actorRole, targetRole, allowed) => {
    const refusal = siteActionRefusal({ id: 1, role: actorRole }, { id: 2, role: targetRole });
    expect(refusal === null).toBe(allowed);
  });

  it.each(ROLES.flatMap((actor) => ROLES.map((target) => [actor, target] as const)))(
    'room action by an owner: %s on %s is allowed unless the target is site staff and the actor no admin',
    (actorRole, targetRole) => {
      const refusal = roomActionRefusal(
        { id: 1, role: actorRole },
        { id: 2, role: targetRole },
        true,
      );
      const allowed = targetRole === Role.User || actorRole === Role.Admin;
      expect({
        actor: NAMES[actorRole],
        target: NAMES[targetRole],
        allowed: refusal === null,
      }).toEqual({
        actor: NAMES[actorRole],
        target: NAMES[targetRole],
        allowed,
      });
    },
  );

  it('never lets anyone act on themselves, or act in a room they do not own', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), fc.constantFrom(...ROLES), fc.nat(), (a, t, id) => {
        expect(siteActionRefusal({ id, role: a }, { id, role: t })).not.toBeNull();
        expect(roomActionRefusal({ id, role: a }, { id, role: t }, true)).not.toBeNull();
        expect(roomActionRefusal({ id, role: a }, { id: id + 1, role: t }, false)).not.toBeNull();
      }),
    );
  });
});
