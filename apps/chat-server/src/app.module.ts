import { Module } from '@nestjs/common';
import { AppConfigModule } from '@chat/config';
import { DatabaseModule } from '@chat/database';
import { ErrorsModule } from '@chat/errors';
import { UsersModule } from '@chat/users';

@Module({
  imports: [AppConfigModule.forRoot(), DatabaseModule, ErrorsModule, UsersModule],
})
export class AppModule {}
