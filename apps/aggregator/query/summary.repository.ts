import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CHARGEBACK_POOLS } from '@vcc/config';
import { SUMMARY_COLUMN_NAMES } from '../chargeback';

/** A column as the API names it: camelCase of its snake_case name in the table. */
const camel = (column: string): string =>
  column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

const TOTALS_COLUMNS = [
  'vms',
  'vcpus',
  'ram_gb',
  'disk_gb',
  'tin',
  'bronze',
  'silver',
  'gold',
  'templates',
  'cost',
];

/** Pools are stored as ids (index in CHARGEBACK_POOLS plus one, 0 none) and shown by name. */
const POOL_NAME = `(ARRAY['none', ${CHARGEBACK_POOLS.map((pool) => `'${pool}'`).join(', ')}])[t.pool + 1]`;

function selectList(columns: readonly string[]): string {
  return columns
    .map((column) => {
      if (column === 'pool') return `${POOL_NAME} AS pool`;
      // numeric(18,4): as text, so that no cent is lost to a float.
      if (column === 'cost') return `t.cost::text AS cost`;
      return `t.${column} AS "${camel(column)}"`;
    })
    .join(', ');
}

/** Column names of the rows each query returns, in order (the CSV header). */
export const COLUMNS = {
  daily: ['vcenterId', 'vcenterName', 'day', ...SUMMARY_COLUMN_NAMES.map(camel)],
  monthly: ['vcenterId', 'vcenterName', 'month', ...SUMMARY_COLUMN_NAMES.map(camel)],
  totals: ['vcenterId', 'vcenterName', 'periodStart', ...TOTALS_COLUMNS.map(camel)],
  hourlyTrace: [
    'vcenterId',
    'vcenterName',
    'snapshotTime',
    'complete',
    'moref',
    'name',
    'powerState',
    'template',
    'vcpus',
    'ramGb',
    'provisionedDiskGb',
    'datacenter',
    'cluster',
    'host',
    'resourcePool',
    'folder',
  ],
};

export interface SummaryFilter {
  vcenterId?: string;
  cluster?: string;
  folder?: string;
  /** Pool id: 0 none, 1.. in CHARGEBACK_POOLS order. */
  pool?: number;
  name?: string;
}

export interface Paging {
  limit: number;
  offset: number;
}

/** `text` as a LIKE pattern that matches it literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** SQL conditions on `t` for the filter, appending their values to `params`. */
export function filterConditions(filter: SummaryFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.vcenterId) conditions.push(`t.vcenter_id = ${param(filter.vcenterId)}`);
  if (filter.cluster) conditions.push(`lower(t.cluster) = lower(${param(filter.cluster)})`);
  if (filter.folder) {
    const folder = param(filter.folder);
    conditions.push(`(t.folder = ${folder} OR t.folder LIKE ${param(`${likeLiteral(filter.folder)}/%`)})`);
  }
  if (filter.pool !== undefined) conditions.push(`t.pool = ${param(filter.pool)}`);
  if (filter.name) conditions.push(`t.name ILIKE ${param(`%${likeLiteral(filter.name)}%`)}`);
  return conditions;
}

/** Reads the chargeback tables for the query API. */
@Injectable()
export class SummaryRepository {
  constructor(private readonly dataSource: DataSource) {}

  private async pageOf(sql: string, params: unknown[], paging: Paging): Promise<Record<string, unknown>[]> {
    // One row more than asked tells whether another page follows.
    params.push(paging.limit + 1, paging.offset);
    return this.dataSource.query(`${sql} LIMIT $${params.length - 1} OFFSET $${params.length}`, params);
  }

  daily(day: string, filter: SummaryFilter, paging: Paging): Promise<Record<string, unknown>[]> {
    const params: unknown[] = [day];
    const where = ['t.day = $1', ...filterConditions(filter, params)];
    return this.pageOf(
      `SELECT t.vcenter_id AS "vcenterId", v.name AS "vcenterName", to_char(t.day, 'YYYY-MM-DD') AS day,
              ${selectList(SUMMARY_COLUMN_NAMES)}
         FROM chargeback_daily t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.vcenter_id, t.moref`,
      params,
      paging,
    );
  }

  monthly(month: string, filter: SummaryFilter, paging: Paging): Promise<Record<string, unknown>[]> {
    const params: unknown[] = [`${month}-01`];
    const where = ['t.month = $1::date', ...filterConditions(filter, params)];
    return this.pageOf(
      `SELECT t.vcenter_id AS "vcenterId", v.name AS "vcenterName", to_char(t.month, 'YYYY-MM') AS month,
              ${selectList(SUMMARY_COLUMN_NAMES)}
         FROM chargeback_monthly t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.vcenter_id, t.moref`,
      params,
      paging,
    );
  }

  /** Daily summary rows of one VM (by vCenter and moref, or by name) from `from` to `to`. */
  dailyTrace(vm: VmSelector, from: string, to: string, paging: Paging): Promise<Record<string, unknown>[]> {
    const params: unknown[] = [from, to];
    return this.pageOf(
      `SELECT t.vcenter_id AS "vcenterId", v.name AS "vcenterName", to_char(t.day, 'YYYY-MM-DD') AS day,
              ${selectList(SUMMARY_COLUMN_NAMES)}
         FROM chargeback_daily t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE t.day BETWEEN $1::date AND $2::date AND ${vmCondition(vm, params)}
        ORDER BY t.day, t.vcenter_id, t.moref`,
      params,
      paging,
    );
  }

  /** Hourly snapshot rows of one VM, complete snapshots or not, in the days `from` to `to` of `timeZone`. */
  hourlyTrace(
    vm: VmSelector,
    from: string,
    to: string,
    timeZone: string,
    paging: Paging,
  ): Promise<Record<string, unknown>[]> {
    const params: unknown[] = [from, to, timeZone];
    return this.pageOf(
      `SELECT t.vcenter_id AS "vcenterId", v.name AS "vcenterName", t.snapshot_time AS "snapshotTime",
              coalesce(s.complete, false) AS complete, t.moref, t.name, t.power_state AS "powerState",
              t.template, t.vcpus, t.memory_mb / 1024.0::float8 AS "ramGb", t.provisioned_disk_gb AS "provisionedDiskGb",
              t.datacenter_name AS datacenter, t.cluster_name AS cluster, t.host_name AS host,
              t.resource_pool_name AS "resourcePool", t.folder_path AS folder
         FROM inventory_vm t
         LEFT JOIN inventory_snapshot s ON s.vcenter_id = t.vcenter_id AND s.snapshot_time = t.snapshot_time
         LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE t.snapshot_time >= ($1::date::timestamp AT TIME ZONE $3)
          AND t.snapshot_time < (($2::date + 1)::timestamp AT TIME ZONE $3)
          AND ${vmCondition(vm, params)}
        ORDER BY t.snapshot_time, t.vcenter_id, t.moref`,
      params,
      paging,
    );
  }

  /** Totals caches of `kind` for periods starting in the days `from` to `to` of `timeZone`. */
  totals(
    kind: 'hourly' | 'daily' | 'monthly',
    vcenterId: string | undefined,
    from: string,
    to: string,
    timeZone: string,
    paging: Paging,
  ): Promise<Record<string, unknown>[]> {
    const params: unknown[] = [kind, from, to, timeZone];
    const vcenter = vcenterId ? `AND t.vcenter_id = $${params.push(vcenterId)}` : '';
    return this.pageOf(
      `SELECT t.vcenter_id AS "vcenterId", v.name AS "vcenterName", t.period_start AS "periodStart",
              ${selectList(TOTALS_COLUMNS)}
         FROM chargeback_totals t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE t.kind = $1
          AND t.period_start >= ($2::date::timestamp AT TIME ZONE $4)
          AND t.period_start < (($3::date + 1)::timestamp AT TIME ZONE $4)
          ${vcenter}
        ORDER BY t.period_start, t.vcenter_id`,
      params,
      paging,
    );
  }
}

/** One VM: by vCenter and moref, or by exact name (any case) in every vCenter. */
export type VmSelector = { vcenterId: string; moref: string } | { name: string };

function vmCondition(vm: VmSelector, params: unknown[]): string {
  if ('name' in vm) return `lower(t.name) = lower($${params.push(vm.name)})`;
  return `t.vcenter_id = $${params.push(vm.vcenterId)} AND t.moref = $${params.push(vm.moref)}`;
}
