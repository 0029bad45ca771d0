export { Role, ROLES } from './role.enum';
export { Roles } from './roles.decorator';
export { RolesGuard } from './roles.guard';
export { RolesModule } from './roles.module';
