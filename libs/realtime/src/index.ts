export { ChatWsAdapter } from './chat-ws.adapter';
export { ConnectionRegistry } from './connection-registry.service';
export { RealtimeModule } from './realtime.module';
