export { ADMIN_ROOT, AdminPanelModule } from './admin-panel.module';
