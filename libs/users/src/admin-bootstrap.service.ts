import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { ConflictError } from '@chat/errors';
import { Role } from '@chat/roles';
import { UsersService } from './users.service';

/** Creates the configured admin account at start when the chat has no admin yet. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const account = this.config.initialAdmin;
    if (!account || (await this.users.hasActiveAdmin())) return;
    try {
      await this.users.create(account.name, account.password, Role.Admin);
      this.logger.log(`Created the admin account "${account.name}"`);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Another instance created it first, or a non-admin holds the name.
      this.logger.warn(`Admin account "${account.name}" not created: the name is taken`);
    }
  }
}
