export { ChatWsAdapter } from './chat-ws.adapter';
export { ConnectionRegistry } from './connection-registry';
export { RealtimeModule } from './realtime.module';
