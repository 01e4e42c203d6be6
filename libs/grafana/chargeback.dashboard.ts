import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { POSTGRES } from './datasources';
import { table, timeseries, variable } from './panels';
import { SqlBuilder } from './queries';

/**
 * The aggregator's tables these queries read (libs/database/migrations/1764610000000-chargeback.ts;
 * README "Chargeback"): totals caches per period and the daily per-VM summary.
 */
export const CHARGEBACK = {
  totals: 'chargeback_totals',
  daily: 'chargeback_daily',
  vcenter: 'vcenter',
} as const;

const OF_VCENTER = `vcenter_id = (SELECT id FROM ${CHARGEBACK.vcenter} WHERE name = '$vcenter')`;

function totals(kind: 'daily' | 'monthly', columns: string): SqlBuilder {
  return new SqlBuilder(
    `SELECT period_start AS "time", ${columns} FROM ${CHARGEBACK.totals} WHERE kind = '${kind}' AND ${OF_VCENTER} AND $__timeFilter(period_start) ORDER BY 1`,
  );
}

export function chargebackDashboard(): DashboardBuilder {
  const vcenter = variable(
    'vcenter',
    'vCenter',
    POSTGRES,
    `SELECT name FROM ${CHARGEBACK.vcenter} ORDER BY name`,
  ).includeAll(false);
  return new DashboardBuilder('vcc chargeback')
    .uid('vcc-chargeback')
    .description("Chargeback totals and trends from the aggregator's summaries in PostgreSQL")
    .tags(['vcc', 'chargeback', 'postgresql'])
    .time({ from: 'now-90d', to: 'now' })
    .withVariable(vcenter)
    .withRow(new RowBuilder('Totals'))
    .withPanel(timeseries('Daily cost', 'currencyUSD', POSTGRES, [totals('daily', 'cost')], 12))
    .withPanel(
      timeseries(
        'Daily averages: VMs, vCPUs, RAM GB, disk GB',
        'short',
        POSTGRES,
        [totals('daily', 'vms, vcpus, ram_gb, disk_gb')],
        12,
      ),
    )
    .withPanel(
      timeseries(
        'VMs by pool (daily average)',
        'short',
        POSTGRES,
        [totals('daily', 'tin, bronze, silver, gold')],
        12,
      ),
    )
    .withPanel(
      table(
        'Monthly totals',
        'short',
        POSTGRES,
        new SqlBuilder(
          `SELECT to_char(period_start, 'YYYY-MM') AS month, vms, vcpus, ram_gb, disk_gb, cost FROM ${CHARGEBACK.totals} WHERE kind = 'monthly' AND ${OF_VCENTER} ORDER BY period_start DESC`,
          'table',
        ),
        12,
      ),
    )
    .withRow(new RowBuilder('Trends'))
    .withPanel(
      timeseries(
        'Daily cost by cluster',
        'currencyUSD',
        POSTGRES,
        [
          new SqlBuilder(
            `SELECT day::timestamptz AS "time", coalesce(cluster, '(none)') AS metric, sum(cost) AS cost FROM ${CHARGEBACK.daily} WHERE ${OF_VCENTER} AND $__timeFilter(day) GROUP BY 1, 2 ORDER BY 1`,
          ),
        ],
        12,
      ),
    )
    .withPanel(
      table(
        'Top 10 VMs by cost in the range',
        'currencyUSD',
        POSTGRES,
        new SqlBuilder(
          `SELECT name, sum(cost) AS cost, sum(vcpu_hours) AS vcpu_hours, sum(ram_gb_hours) AS ram_gb_hours FROM ${CHARGEBACK.daily} WHERE ${OF_VCENTER} AND $__timeFilter(day) GROUP BY moref, name ORDER BY 2 DESC LIMIT 10`,
          'table',
        ),
        12,
      ),
    );
}
