import { DynamicModule, Module } from '@nestjs/common';
import type { SessionOptions } from 'express-session';
import { AuthModule } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { MessagesModule, MessagesService } from '@chat/messages';
import { RoomMembershipsService, RoomsModule, RoomsService } from '@chat/rooms';
import { UsersModule, UsersService } from '@chat/users';
import { AdminAuthService, PANEL_SESSION_SECONDS } from './admin-auth.service';
import { AdminSessionStore } from './admin-session-store.service';
import { AdminSessionsRepository } from './admin-sessions.repository';
import { panelResources } from './admin-resources';

const ADMIN_ROOT = '/admin';
const SESSION_COOKIE = 'chat_admin';
/** Login attempts per client address per minute (enforced by @adminjs/express). */
const LOGIN_ATTEMPTS = { count: 5, duration: 60 };

/** The panel's words where AdminJS's defaults do not fit a chat. */
const PANEL_WORDING = {
  components: {
    Login: {
      welcomeHeader: 'Real-time chat',
      welcomeMessage: 'Administration: accounts, roles, messages and rooms. Admins only.',
      properties: { email: 'Name', password: 'Password' },
    },
  },
  properties: { userId: 'Author' },
  resources: {
    Room: { actions: { delete: 'Archive' } },
    RoomMembership: {
      actions: { delete: 'Remove member' },
      properties: { userId: 'Member', roomId: 'Room' },
    },
  },
};

@Module({
  imports: [AuthModule, UsersModule, MessagesModule, RoomsModule],
  providers: [AdminAuthService, AdminSessionsRepository, AdminSessionStore],
  exports: [AdminAuthService, AdminSessionStore, UsersModule, MessagesModule, RoomsModule],
})
class AdminPanelServicesModule {}

/**
 * The AdminJS panel at /admin: only admins (role 3) log in. AdminJS and its Nest and TypeORM
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
          inject: [
            AppConfig,
            AdminAuthService,
            AdminSessionStore,
            UsersService,
            MessagesService,
            RoomsService,
            RoomMembershipsService,
          ],
          useFactory: (
            config: AppConfig,
            auth: AdminAuthService,
            sessions: AdminSessionStore,
            users: UsersService,
            messages: MessagesService,
            rooms: RoomsService,
            memberships: RoomMembershipsService,
          ) => ({
            adminJsOptions: {
              rootPath: ADMIN_ROOT,
              resources: panelResources(
                { users, messages, rooms, memberships },
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
