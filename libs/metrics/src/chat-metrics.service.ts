import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { METRIC } from './metric-names';

/** The chat's own metrics, for the modules that record them. */
@Injectable()
export class ChatMetrics {
  constructor(
    @InjectMetric(METRIC.connections) readonly connections: Gauge,
    @InjectMetric(METRIC.framesReceived) readonly framesReceived: Counter,
    @InjectMetric(METRIC.framesSent) readonly framesSent: Counter,
    @InjectMetric(METRIC.framesRejected) readonly framesRejected: Counter<'reason'>,
    @InjectMetric(METRIC.rateLimited) readonly rateLimited: Counter,
    @InjectMetric(METRIC.slowConsumers) readonly slowConsumers: Counter,
    @InjectMetric(METRIC.connectionsRefused) readonly connectionsRefused: Counter,
    @InjectMetric(METRIC.messagesStored) readonly messagesStored: Counter,
    @InjectMetric(METRIC.messageWriteDuration) readonly messageWriteDuration: Histogram,
    @InjectMetric(METRIC.eventsBroadcast) readonly eventsBroadcast: Counter<'type'>,
    @InjectMetric(METRIC.broadcastDuration) readonly broadcastDuration: Histogram,
    @InjectMetric(METRIC.roomChangesFilled) readonly roomChangesFilled: Counter,
    @InjectMetric(METRIC.roomChangesSkipped) readonly roomChangesSkipped: Counter,
    @InjectMetric(METRIC.avatarJobs) readonly avatarJobs: Counter<'outcome'>,
    @InjectMetric(METRIC.avatarJobDuration) readonly avatarJobDuration: Histogram,
    @InjectMetric(METRIC.presenceChanges) readonly presenceChanges: Counter,
    @InjectMetric(METRIC.framesDropped) readonly framesDropped: Counter<'type'>,
    @InjectMetric(METRIC.moderationActions) readonly moderationActions: Counter<'action'>,
    @InjectMetric(METRIC.historyCacheHits) readonly historyCacheHits: Counter,
    @InjectMetric(METRIC.busReceived) readonly busReceived: Counter<'channel'>,
  ) {}
}
