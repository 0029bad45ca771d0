export { ChatMetrics } from './chat-metrics';
export { METRIC } from './metric-names';
export { MetricsModule } from './metrics.module';
