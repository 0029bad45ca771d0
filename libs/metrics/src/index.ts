export { ChatMetrics } from './chat-metrics.service';
export { METRIC } from './metric-names';
export { MetricsModule } from './metrics.module';
