export { AdminAccount, AppConfig } from './app-config';
export { AppConfigModule } from './config.module';
export { Environment, validateEnvironment } from './environment';
