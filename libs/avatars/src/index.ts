export { serveAvatarFiles } from './avatar-files';
export { AvatarProcessor } from './avatar-processor.service';
export { AvatarsModule } from './avatars.module';
