import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import { METRIC } from './metric-names';

type HttpLabels = 'method' | 'route' | 'status';

/**
 * Counts and times every HTTP request by route template (`/user/login`, not the raw URL, so the
 * label set stays small) and status. Scrapes and the admin panel are left out.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    @InjectMetric(METRIC.httpRequests) private readonly requests: Counter<HttpLabels>,
    @InjectMetric(METRIC.httpDuration) private readonly duration: Histogram<HttpLabels>,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    // originalUrl: `path` is relative to where Nest mounted this middleware.
    if (/^\/(metrics|admin)([/?]|$)/.test(request.originalUrl)) return next();
    const stop = this.duration.startTimer();
    response.once('finish', () => {
      const labels = {
        method: request.method,
        route: routeOf(request),
        status: String(response.statusCode),
      };
      this.requests.inc(labels);
      stop(labels);
    });
    next();
  }
}

function routeOf(request: Request): string {
  if (request.originalUrl.startsWith('/static/')) return '/static';
  const route = (request as Request & { route?: { path?: unknown } }).route?.path;
  // Nest answers unknown paths from a catch-all route ("{/*splat}").
  return typeof route === 'string' && !route.includes('*') ? route : 'unmatched';
}
