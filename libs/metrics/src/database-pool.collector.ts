import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { METRIC } from './metric-names';

interface PgPool {
  totalCount: number;
  idleCount: number;
}

/** Reads the connection pool's busy connections at each scrape. */
@Injectable()
export class DatabasePoolCollector implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(METRIC.databasePoolInUse) private readonly inUse: Gauge,
  ) {}

  onModuleInit(): void {
    // prom-client calls `collect` with the gauge as `this` right before it is read.
    const pool = () => (this.dataSource.driver as unknown as { master?: PgPool }).master;
    const gauge = this.inUse as Gauge & { collect?: () => void };
    gauge.collect = () => {
      const current = pool();
      this.inUse.set(current ? current.totalCount - current.idleCount : 0);
    };
  }
}
