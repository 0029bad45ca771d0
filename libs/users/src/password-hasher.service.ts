import { Injectable } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { AppConfig } from '@chat/config';

@Injectable()
export class PasswordHasher {
  // Compared against when the account does not exist, so a wrong name costs as long as a wrong
  // password and response times do not reveal which names are registered.
  private readonly decoy: Promise<string>;

  constructor(private readonly config: AppConfig) {
    this.decoy = hash('decoy password', config.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return hash(password, this.config.bcryptCost);
  }

  async matches(password: string, passwordHash: string | null | undefined): Promise<boolean> {
    if (!passwordHash) {
      await compare(password, await this.decoy);
      return false;
    }
    return compare(password, passwordHash);
  }
}
