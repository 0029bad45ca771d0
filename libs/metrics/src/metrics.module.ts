import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import { ChatMetrics } from './chat-metrics.service';
import { DatabasePoolCollector } from './database-pool.collector';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { METRIC } from './metric-names';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const metricProviders = [
  makeCounterProvider({
    name: METRIC.httpRequests,
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
  }),
  makeHistogramProvider({
    name: METRIC.httpDuration,
    help: 'Time to answer an HTTP request, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
  }),
  makeGaugeProvider({ name: METRIC.connections, help: 'Open WebSocket connections' }),
  makeCounterProvider({ name: METRIC.framesReceived, help: 'WebSocket frames received' }),
  makeCounterProvider({ name: METRIC.framesSent, help: 'WebSocket frames sent' }),
  makeCounterProvider({
    name: METRIC.framesRejected,
    help: 'WebSocket frames refused, by reason',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: METRIC.rateLimited,
    help: 'Chat messages refused by the per-user rate limit',
  }),
  makeCounterProvider({
    name: METRIC.slowConsumers,
    help: 'Sockets closed because their unsent data passed the bound',
  }),
  makeCounterProvider({
    name: METRIC.connectionsRefused,
    help: 'WebSocket handshakes refused because the address has too many connections open',
  }),
  makeCounterProvider({ name: METRIC.messagesStored, help: 'Chat messages stored' }),
  makeCounterProvider({
    name: METRIC.roomChangesFilled,
    help: 'Room changes read from the database because they did not arrive over the bus',
  }),
  makeCounterProvider({
    name: METRIC.roomChangesSkipped,
    help: 'Room change numbers given up on: unreadable in time, or too many to read',
  }),
  makeCounterProvider({
    name: METRIC.eventsBroadcast,
    help: "Chat events sent to this instance's sockets, by type",
    labelNames: ['type'],
  }),
  makeHistogramProvider({
    name: METRIC.messageWriteDuration,
    help: 'Time to store one batch of messages (one insert, whatever its rooms)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  }),
  makeHistogramProvider({
    name: METRIC.broadcastDuration,
    help: 'Time to hand one event to every local socket',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  }),
  makeCounterProvider({
    name: METRIC.avatarJobs,
    help: 'Avatar resize jobs, by outcome',
    labelNames: ['outcome'],
  }),
  makeHistogramProvider({
    name: METRIC.avatarJobDuration,
    help: 'Time to resize and store an avatar',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
  makeGaugeProvider({
    name: METRIC.databasePoolInUse,
    help: 'Database connections of the pool in use',
  }),
  makeCounterProvider({
    name: METRIC.presenceChanges,
    help: "Changes of a user's presence (over all their sockets) this instance published",
  }),
  makeCounterProvider({
    name: METRIC.framesDropped,
    help: 'Typing frames not sent to sockets that had fallen behind (their presence is held back)',
    labelNames: ['type'],
  }),
  makeCounterProvider({
    name: METRIC.moderationActions,
    help: 'Moderator and admin actions written to the audit log, by action',
    labelNames: ['action'],
  }),
  makeCounterProvider({
    name: METRIC.historyCacheHits,
    help: 'Newest history pages answered from memory, without the database',
  }),
  makeCounterProvider({
    name: METRIC.busReceived,
    help: 'Events this instance received over Redis (its own included), by channel: a room, or the shared one',
    labelNames: ['channel'],
  }),
];

/** GET /metrics (Prometheus text format) with process defaults and the chat's own metrics. */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [...metricProviders, ChatMetrics, HttpMetricsMiddleware, DatabasePoolCollector],
  exports: [ChatMetrics],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
