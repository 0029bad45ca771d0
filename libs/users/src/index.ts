export { PasswordHasher } from './password-hasher.service';
export { User } from './user.entity';
export { UsersModule } from './users.module';
export { UsersService } from './users.service';
