export { AdminAccount, AppConfig } from './app-config';
export { AppConfigModule } from './config.module';
export { Environment, InvalidConfigurationError, validateEnvironment } from './environment';
export { PASSWORD_BYTES, passwordProblem } from './password-rule';
