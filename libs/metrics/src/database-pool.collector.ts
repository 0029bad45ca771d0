import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '@chat/database';
import { METRIC } from './metric-names';

/** Reads the connection pool's busy connections at each scrape. */
@Injectable()
export class DatabasePoolCollector implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(METRIC.databasePoolInUse) private readonly inUse: Gauge,
  ) {}

  onModuleInit(): void {
    // prom-client calls `collect` with the gauge as `this` right before it is read.
    const gauge = this.inUse as Gauge & { collect?: () => void };
    gauge.collect = () => {
      // No pool before the data source connects or after it is destroyed.
      const current = poolOf(this.dataSource) as Pool | undefined;
      this.inUse.set(current ? current.totalCount - current.idleCount : 0);
    };
  }
}
