export * from './chat-events';
export { EventBus, EventListener, LocalEventBus } from './event-bus';
export { EventsModule } from './events.module';
export { RedisEventBus } from './redis-event-bus';
