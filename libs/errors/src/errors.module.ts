import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiExceptionFilter } from './api-exception.filter';
import { ChatValidationPipe } from './validation.pipe';

/** Installs request validation and the error-to-answer mapping for every HTTP route. */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_PIPE, useFactory: () => new ChatValidationPipe() },
  ],
})
export class ErrorsModule {}
