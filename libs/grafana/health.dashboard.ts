import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS } from './datasources';
import { timeseries, variable } from './panels';

/**
 * The apps' own metrics these panels read, as prom-client registers them
 * (apps/collector/observability/collector.metrics.ts, apps/controller/status/controller-metrics.ts,
 * apps/aggregator/observability/aggregator.metrics.ts).
 */
export const METRICS = {
  collectors: 'vcc_controller_collectors',
  cycleDuration: 'vcc_collector_cycle_duration_seconds',
  cycles: 'vcc_collector_cycles_total',
  samplesLost: 'vcc_collector_samples_lost_total',
  linesBuffered: 'vcc_collector_lines_buffered',
  linesWritten: 'vcc_collector_lines_written_total',
  requests: 'vcc_collector_vcenter_requests_total',
  fenced: 'vcc_collector_fenced',
  aggregatorJobs: 'vcc_aggregator_jobs_total',
  aggregatorLastSuccess: 'vcc_aggregator_last_success_timestamp_seconds',
} as const;

/** The collectors the panels show: Prometheus's `instance` label of their scrape target. */
const COLLECTOR = `instance=~"$collector"`;

function promql(expr: string, legend: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend);
}

export function clusterHealthDashboard(): DashboardBuilder {
  return new DashboardBuilder('vcc cluster health')
    .uid('vcc-cluster-health')
    .description("The controller's, collectors' and aggregator's own metrics from Prometheus")
    .tags(['vcc', 'prometheus'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .withVariable(variable('collector', 'Collector', PROMETHEUS, `label_values(${METRICS.cycles}, instance)`))
    .withRow(new RowBuilder('Membership and cycles'))
    .withPanel(
      timeseries('Collectors by state', 'short', PROMETHEUS, [
        promql(`sum by (state) (${METRICS.collectors})`, '{{state}}'),
      ]),
    )
    .withPanel(
      timeseries('Cycle duration (p95)', 's', PROMETHEUS, [
        promql(
          `histogram_quantile(0.95, sum by (le, schedule) (rate(${METRICS.cycleDuration}_bucket{${COLLECTOR}}[$__rate_interval])))`,
          '{{schedule}}',
        ),
      ]),
    )
    .withPanel(
      timeseries('Cycles by result (ok, failed, skipped, idle, fenced)', 'short', PROMETHEUS, [
        promql(
          `sum by (schedule, result) (increase(${METRICS.cycles}{${COLLECTOR}}[$__rate_interval]))`,
          '{{schedule}} {{result}}',
        ),
      ]),
    )
    .withPanel(
      timeseries('Samples lost (out of vCenter retention)', 'short', PROMETHEUS, [
        promql(
          `sum by (instance) (increase(${METRICS.samplesLost}{${COLLECTOR}}[$__rate_interval]))`,
          '{{instance}}',
        ),
      ]),
    )
    .withPanel(
      timeseries('Fenced collectors', 'short', PROMETHEUS, [
        promql(`max by (instance) (${METRICS.fenced}{${COLLECTOR}})`, '{{instance}}'),
      ]),
    )
    .withPanel(
      timeseries('vCenter requests by result', 'reqps', PROMETHEUS, [
        promql(`sum by (result) (rate(${METRICS.requests}{${COLLECTOR}}[$__rate_interval]))`, '{{result}}'),
      ]),
    )
    .withRow(new RowBuilder('Sinks'))
    .withPanel(
      timeseries('Sink queue (lines buffered)', 'short', PROMETHEUS, [
        promql(`max by (instance) (${METRICS.linesBuffered}{${COLLECTOR}})`, '{{instance}}'),
      ]),
    )
    .withPanel(
      timeseries('Lines written per sink', 'short', PROMETHEUS, [
        promql(`sum by (sink) (rate(${METRICS.linesWritten}{${COLLECTOR}}[$__rate_interval]))`, '{{sink}}'),
      ]),
    )
    .withRow(new RowBuilder('Aggregator'))
    .withPanel(
      timeseries('Aggregation jobs', 'short', PROMETHEUS, [
        promql(`sum by (type) (increase(${METRICS.aggregatorJobs}[$__rate_interval]))`, '{{type}}'),
      ]),
    )
    .withPanel(
      timeseries('Seconds since the last successful job', 's', PROMETHEUS, [
        promql(`time() - max by (type) (${METRICS.aggregatorLastSuccess})`, '{{type}}'),
      ]),
    );
}
