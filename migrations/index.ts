// Every migration, in order. `npm run migration:generate` writes a new file here: add its class.
import { CreateUsersAndSessions1764280000000 } from './1764280000000-create-users-and-sessions';
import { CreateMessages1764290000000 } from './1764290000000-create-messages';

export const migrations = [CreateUsersAndSessions1764280000000, CreateMessages1764290000000];
