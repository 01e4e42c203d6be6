import { Counter, Gauge, Histogram, register } from 'prom-client';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** The collector's own metrics, on /metrics next to the process metrics. */
export class CollectorMetrics {
  readonly cycleDuration = metric(
    'vcc_collector_cycle_duration_seconds',
    () =>
      new Histogram({
        name: 'vcc_collector_cycle_duration_seconds',
        help: 'wall time of a collection cycle',
        labelNames: ['schedule'],
        buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      }),
  );
  readonly cycles = metric(
    'vcc_collector_cycles_total',
    () =>
      new Counter({
        name: 'vcc_collector_cycles_total',
        help: 'collection cycles by outcome (ok, failed, skipped: still running, idle: nothing assigned, fenced)',
        labelNames: ['schedule', 'result'],
      }),
  );
  readonly entities = metric(
    'vcc_collector_entities',
    () =>
      new Gauge({
        name: 'vcc_collector_entities',
        help: 'entities owned in the last cycle',
        labelNames: ['schedule'],
      }),
  );
  readonly requests = metric(
    'vcc_collector_vcenter_requests_total',
    () =>
      new Counter({
        name: 'vcc_collector_vcenter_requests_total',
        help: 'vCenter requests by result: QueryPerf ok, fault (vCenter answered with a fault), error (no answer), refused (sink buffer full); failed control-plane calls count as fault or error too',
        labelNames: ['result'],
      }),
  );
  readonly points = metric(
    'vcc_collector_points_collected_total',
    () =>
      new Counter({ name: 'vcc_collector_points_collected_total', help: 'field values read from vCenter' }),
  );
  readonly linesWritten = metric(
    'vcc_collector_lines_written_total',
    () =>
      new Counter({
        name: 'vcc_collector_lines_written_total',
        help: 'line-protocol lines a sink acknowledged',
        labelNames: ['sink'],
      }),
  );
  readonly linesFailed = metric(
    'vcc_collector_lines_failed_total',
    () =>
      new Counter({
        name: 'vcc_collector_lines_failed_total',
        help: 'lines in failed sink requests, by what happens next (retry, dropped)',
        labelNames: ['sink', 'action'],
      }),
  );
  readonly linesBuffered = metric(
    'vcc_collector_lines_buffered',
    () => new Gauge({ name: 'vcc_collector_lines_buffered', help: 'lines waiting for the sinks' }),
  );
  readonly callLatency = metric(
    'vcc_collector_vcenter_call_seconds',
    () =>
      new Histogram({
        name: 'vcc_collector_vcenter_call_seconds',
        help: 'vCenter call latency',
        labelNames: ['operation'],
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      }),
  );
  readonly connectFailures = metric(
    'vcc_collector_vcenter_connect_failures_total',
    () =>
      new Counter({
        name: 'vcc_collector_vcenter_connect_failures_total',
        help: 'failed attempts to connect and log in to vCenter',
      }),
  );
  readonly relogins = metric(
    'vcc_collector_vcenter_relogins_total',
    () =>
      new Counter({
        name: 'vcc_collector_vcenter_relogins_total',
        help: 'logins after vCenter reported the session gone',
      }),
  );
  readonly retries = metric(
    'vcc_collector_vcenter_retries_total',
    () =>
      new Counter({
        name: 'vcc_collector_vcenter_retries_total',
        help: 'QueryPerf requests sent again after a transient error (timeout, reset, HTTP 5xx, SystemError)',
      }),
  );
  readonly lastSuccess = metric(
    'vcc_collector_last_success_timestamp_seconds',
    () =>
      new Gauge({
        name: 'vcc_collector_last_success_timestamp_seconds',
        help: 'end of the last cycle whose every request succeeded',
        labelNames: ['schedule'],
      }),
  );
  readonly samplesLost = metric(
    'vcc_collector_samples_lost_total',
    () =>
      new Counter({
        name: 'vcc_collector_samples_lost_total',
        help: "entity sample times that fell out of vCenter's realtime retention before they were written",
      }),
  );
  readonly fenced = metric(
    'vcc_collector_fenced',
    () =>
      new Gauge({
        name: 'vcc_collector_fenced',
        help: '1 while the collector has not reached the controller within its lease and collects nothing',
      }),
  );
}
