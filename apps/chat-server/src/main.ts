import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, InvalidConfigurationError } from '@chat/config';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';
import { ChatHttpAdapter } from './http-adapter';

async function bootstrap(): Promise<void> {
  // Logs wait until the configured level is known; a failed boot is reported below instead.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, new ChatHttpAdapter(), {
    abortOnError: false,
    bufferLogs: true,
    autoFlushLogs: false,
  });
  const config = app.get(AppConfig);
  configureApp(app, config);
  app.flushLogs();
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Chat server listening on http://${config.host}:${config.port}`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidConfigurationError) {
    console.error(error.message);
  } else {
    Logger.flush();
    console.error(error instanceof Error ? error.stack : error);
  }
  process.exit(1);
});
