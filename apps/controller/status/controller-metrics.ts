import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { CollectorRepository } from '../membership/collector.repository';
import { VcenterRepository } from '../vcenters/vcenter.repository';

/**
 * The controller's Prometheus metrics, in prom-client's default registry (served at /metrics).
 * Gauges of cluster state are read from the database at scrape time, so every replica reports
 * the same values; counters count what this process handled.
 */
@Injectable()
export class ControllerMetrics {
  private readonly logger = new Logger('Metrics');

  readonly heartbeats = new Counter({ name: 'vcc_controller_heartbeats_total', help: 'heartbeats accepted' });

  readonly leaseExpiries = new Counter({
    name: 'vcc_controller_lease_expiries_total',
    help: 'collectors removed because their lease expired',
  });

  readonly ingestedRows = new Counter({
    name: 'vcc_controller_ingested_rows_total',
    help: 'rows written by ingest, by kind (vm, host, event); retried rows count again',
    labelNames: ['kind'],
  });

  readonly requestDuration = new Histogram({
    name: 'vcc_controller_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  });

  constructor(collectors: CollectorRepository, vcenters: VcenterRepository, adapterHost: HttpAdapterHost) {
    const logger = this.logger;
    new Gauge({
      name: 'vcc_controller_collectors',
      help: 'registered collectors by state (unplaced: active without a vCenter)',
      labelNames: ['state'],
      async collect() {
        try {
          const counts = await collectors.countByState();
          this.reset();
          for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
        } catch (error) {
          logger.warn(`cannot read collector counts: ${(error as Error).message}`);
        }
      },
    });
    new Gauge({
      name: 'vcc_controller_vcenter_epoch',
      help: "each vCenter's current epoch",
      labelNames: ['vcenter'],
      async collect() {
        try {
          const rows = await vcenters.list();
          this.reset();
          for (const row of rows) this.set({ vcenter: row.name }, row.epoch);
        } catch (error) {
          logger.warn(`cannot read vCenter epochs: ${(error as Error).message}`);
        }
      },
    });
    // Route patterns (not URLs) keep the label set small.
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.requestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: reply.statusCode,
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
