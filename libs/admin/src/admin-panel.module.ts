import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SessionOptions } from 'express-session';
import { AuditModule } from '@chat/audit';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { MessagesModule } from '@chat/messages';
import { ModerationModule } from '@chat/moderation';
import { RoomsModule } from '@chat/rooms';
import { UsersModule } from '@chat/users';
import { AdminAuthService, PANEL_SESSION_SECONDS } from './admin-auth.service';
import { AdminSessionStore } from './admin-session-store.service';
import { AdminSessionsRepository } from './admin-sessions.repository';
import { panelResources } from './admin-resources';
import { AuditLogEntry } from './moderation/audit-log-entry.entity';
import { MessageReport } from './moderation/message-report.entity';
import { PanelServices } from './panel-services';

const ADMIN_ROOT = '/admin';
const SESSION_COOKIE = 'chat_admin';
/** Login attempts per client address per minute (enforced by @adminjs/express). */
const LOGIN_ATTEMPTS = { count: 5, duration: 60 };

/** The panel's words where AdminJS's defaults do not fit a chat. */
const PANEL_WORDING = {
  components: {
    Login: {
      welcomeHeader: 'Real-time chat',
      welcomeMessage:
        'Administration: accounts, roles, messages, rooms, reports and the audit log. Admins; site moderators work the report queue.',
      properties: { email: 'Name', password: 'Password' },
    },
  },
  labels: { MessageReport: 'Reports', AuditLogEntry: 'Audit log' },
  properties: { userId: 'Author' },
  resources: {
    Room: { actions: { delete: 'Archive' } },
    RoomMembership: {
      actions: { delete: 'Remove member' },
      properties: { userId: 'Member', roomId: 'Room' },
    },
    MessageReport: {
      actions: { edit: 'Act on report' },
      properties: {
        messageText: 'Message (as reported)',
        messageId: 'Message',
        roomId: 'Room',
        authorId: 'Author',
        reporterId: 'Reporter',
        resolvedBy: 'Resolved by',
        decision: 'Action',
        note: 'Note or reason',
      },
    },
    AuditLogEntry: {
      properties: {
        actorId: 'Actor',
        targetUserId: 'Target user',
        targetRoomId: 'Target room',
        targetMessageId: 'Target message',
        createdAt: 'Time',
      },
    },
  },
};

@Module({
  imports: [
    AuthModule,
    UsersModule,
    MessagesModule,
    RoomsModule,
    AuditModule,
    ModerationModule,
    TypeOrmModule.forFeature([MessageReport, AuditLogEntry]),
  ],
  providers: [AdminAuthService, AdminSessionsRepository, AdminSessionStore, PanelServices],
  exports: [AdminAuthService, AdminSessionStore, PanelServices],
})
class AdminPanelServicesModule {}

/**
 * The AdminJS panel at /admin: admins (role 3) log in to all of it, site moderators (role 2) to the
 * report queue only (see withAccess). AdminJS and its Nest and TypeORM
 * adapters ship as ES modules only, so they are loaded with import() while the app is composed.
 */
@Module({})
export class AdminPanelModule {
  static async register(): Promise<DynamicModule> {
    const [
      { AdminModule, ExpressLoader },
      { default: AdminJS, BaseProperty, BaseRecord },
      { Database, Resource },
    ] = await Promise.all([
      import('@adminjs/nestjs'),
      import('adminjs'),
      import('@adminjs/typeorm'),
    ]);
    AdminJS.registerAdapter({ Database, Resource });
    return {
      module: AdminPanelModule,
      imports: [
        AdminModule.createAdminAsync({
          imports: [AdminPanelServicesModule],
          inject: [AppConfig, AdminAuthService, AdminSessionStore, PanelServices],
          useFactory: (
            config: AppConfig,
            auth: AdminAuthService,
            sessions: AdminSessionStore,
            services: PanelServices,
          ) => ({
            adminJsOptions: {
              rootPath: ADMIN_ROOT,
              resources: panelResources(
                services,
                { Resource, BaseRecord, BaseProperty },
                { searchTimeoutMs: config.search.timeoutMs },
              ),
              branding: { companyName: 'Real-time chat', withMadeWithLove: false },
              locale: { language: 'en', translations: { en: PANEL_WORDING } },
            },
            auth: {
              authenticate: (name: string, password: string) => auth.authenticate(name, password),
              cookieName: SESSION_COOKIE,
              cookiePassword: config.adminSessionSecret,
              maxRetries: LOGIN_ATTEMPTS,
            },
            sessionOptions: sessionOptions(config, sessions),
          }),
          // Chosen explicitly: the package's own pick happens too early and misses Express.
          customLoader: ExpressLoader,
        }),
      ],
    };
  }
}

function sessionOptions(config: AppConfig, store: SessionOptions['store']): SessionOptions {
  return {
    store,
    name: SESSION_COOKIE,
    secret: config.adminSessionSecret,
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      secure: config.isProduction,
      sameSite: 'lax',
      maxAge: PANEL_SESSION_SECONDS * 1000,
    },
  };
}
