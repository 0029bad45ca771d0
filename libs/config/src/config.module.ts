import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { Environment, validateEnvironment } from './environment';

/**
 * Loads `.env` (variables already in the environment win), validates everything once at boot and
 * provides the typed AppConfig. An invalid variable stops the boot with one line naming it.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    let environment: Environment | undefined;
    const configModule = ConfigModule.forRoot({
      cache: true,
      validate: (raw) => (environment = validateEnvironment(raw)),
    });
    // forRoot runs when this module is declared, long before Nest awaits it: without a handler an
    // invalid environment would crash the process as an unhandled rejection instead of failing the
    // boot with its message.
    configModule.catch(() => undefined);
    return {
      module: AppConfigModule,
      imports: [configModule],
      providers: [{ provide: AppConfig, useFactory: () => new AppConfig(environment!) }],
      exports: [AppConfig],
    };
  }
}
