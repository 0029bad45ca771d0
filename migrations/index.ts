// Every migration, in order. `npm run migration:generate` writes a new file here: add its class.
import { CreateUsersAndSessions1764280000000 } from './1764280000000-create-users-and-sessions';

export const migrations = [CreateUsersAndSessions1764280000000];
