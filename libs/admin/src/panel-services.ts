import { Injectable } from '@nestjs/common';
import type { CurrentAdmin } from 'adminjs' with { 'resolution-mode': 'import' };
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { MessagesService } from '@chat/messages';
import { BansService, MutesService, ReportsService } from '@chat/moderation';
import { RoomMembershipsService, RoomsService } from '@chat/rooms';
import { UsersService } from '@chat/users';
import { AdminAuthService, AdminIdentity } from './admin-auth.service';

/**
 * What the panel's actions call: the same services as the API, so the same rules, events and audit
 * rows follow, each called as the admin or site moderator logged in to the panel.
 */
@Injectable()
export class PanelServices {
  constructor(
    readonly users: UsersService,
    readonly messages: MessagesService,
    readonly rooms: RoomsService,
    readonly memberships: RoomMembershipsService,
    readonly reports: ReportsService,
    readonly mutes: MutesService,
    readonly bans: BansService,
    readonly audit: AuditLog,
    private readonly auth: AdminAuthService,
  ) {}

  /** The services' caller for a panel request: null once its login no longer holds. */
  actingUser(currentAdmin: CurrentAdmin | undefined): Promise<AuthUser | null> {
    return this.auth.actingUser(currentAdmin as Partial<AdminIdentity> | undefined);
  }
}
