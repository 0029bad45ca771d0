export { ChatWsAdapter } from './chat-ws.adapter';
export { RealtimeModule } from './realtime.module';
