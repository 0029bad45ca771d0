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
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          cache: true,
          validate: (raw) => (environment = validateEnvironment(raw)),
        }),
      ],
      providers: [{ provide: AppConfig, useFactory: () => new AppConfig(environment!) }],
      exports: [AppConfig],
    };
  }
}
