import { Module } from '@nestjs/common';
import { AuthModule } from '@chat/auth';
import { EventsModule } from '@chat/events';
import { MetricsModule } from '@chat/metrics';
import { UsersModule } from '@chat/users';
import { AvatarProcessor } from './avatar-processor.service';
import { AvatarStorage } from './avatar-storage.service';
import { AvatarsController } from './avatars.controller';
import { AvatarsService } from './avatars.service';

@Module({
  imports: [AuthModule, EventsModule, MetricsModule, UsersModule],
  controllers: [AvatarsController],
  providers: [AvatarsService, AvatarProcessor, AvatarStorage],
  exports: [AvatarProcessor],
})
export class AvatarsModule {}
