export { AdminPanelModule } from './admin-panel.module';
