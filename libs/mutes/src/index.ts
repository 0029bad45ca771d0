export { MuteRegistry } from './mute-registry.service';
export { Mute, MutesRepository } from './mutes.repository';
export { MutesModule } from './mutes.module';
