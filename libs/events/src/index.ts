export * from './chat-events';
export { EventBus } from './event-bus';
export { EventsModule } from './events.module';
