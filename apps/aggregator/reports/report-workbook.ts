import ExcelJS from 'exceljs';
import { SUMMARY_COLUMN_NAMES } from '../chargeback';
import type { ChartSpec } from './report-charts';
import type { ReportData } from './report-data';
import type { ReportKey } from './report-store';

type Row = Record<string, unknown>;
type Kind = 'text' | 'int' | 'number' | 'cost' | 'date' | 'bool';

interface Column {
  key: string;
  header: string;
  kind: Kind;
}

const FORMATS: Partial<Record<Kind, string>> = {
  int: '#,##0',
  number: '#,##0.00',
  cost: '#,##0.00',
  date: 'yyyy-mm-dd hh:mm:ss',
};

/** Widths in characters: at least the header's, at most this, for wide text. */
const MAX_WIDTH = 60;
const FIXED_WIDTH: Partial<Record<Kind, number>> = { date: 20, bool: 7 };

const col = (key: string, header: string, kind: Kind): Column => ({ key, header, kind });

const TOTALS_MEASURES = [
  col('vms', 'VMs', 'number'),
  col('vcpus', 'vCPU', 'number'),
  col('ram_gb', 'RAM (GB)', 'number'),
  col('disk_gb', 'Disk (GB)', 'number'),
  col('tin', 'Tin (VMs)', 'number'),
  col('bronze', 'Bronze (VMs)', 'number'),
  col('silver', 'Silver (VMs)', 'number'),
  col('gold', 'Gold (VMs)', 'number'),
  col('templates', 'Templates', 'number'),
];

const SUMMED_MEASURES = [
  col('vms', 'VMs', 'int'),
  col('vcpus', 'Avg vCPU', 'number'),
  col('ram_gb', 'Avg RAM (GB)', 'number'),
  col('disk_gb', 'Avg disk (GB)', 'number'),
  col('vcpu_hours', 'vCPU-hours (vCPU·h)', 'number'),
  col('ram_gb_hours', 'RAM (GB·h)', 'number'),
  col('disk_gb_months', 'Disk (GB·month)', 'number'),
];

const COST = col('cost', 'Cost', 'cost');

/** Units of the summary columns, for their headers. */
const UNITS: Record<string, string> = {
  avg_is_present: 'ratio',
  avg_vcpu_count: 'vCPU',
  avg_ram_gb: 'GB',
  avg_provisioned_disk: 'GB',
  pool_tin_pct: '%',
  pool_bronze_pct: '%',
  pool_silver_pct: '%',
  pool_gold_pct: '%',
  exact_present_hours: 'h',
  powered_on_hours: 'h',
  vcpu_hours: 'vCPU·h',
  ram_gb_hours: 'GB·h',
  disk_gb_months: 'GB·month',
  creation_time: 'UTC',
  deletion_time: 'UTC',
  snapshot_time: 'UTC',
};

const INT_COLUMNS = new Set(['event_key', 'total_samples', 'samples_present', 'powered_on_samples']);
const BOOL_COLUMNS = new Set(['srm_placeholder', 'is_template', 'powered_on', 'per_node']);
const DATE_COLUMNS = new Set(['creation_time', 'deletion_time', 'snapshot_time']);
const TEXT_COLUMNS = new Set([
  'moref',
  'name',
  'vm_uuid',
  'instance_uuid',
  'cloud_id',
  'datacenter',
  'cluster',
  'folder',
  'resource_pool',
  'tenant',
  'pool',
  'price_card',
]);

function summaryKind(column: string): Kind {
  if (column === 'cost') return 'cost';
  if (INT_COLUMNS.has(column)) return 'int';
  if (BOOL_COLUMNS.has(column)) return 'bool';
  if (DATE_COLUMNS.has(column)) return 'date';
  if (TEXT_COLUMNS.has(column)) return 'text';
  return 'number';
}

/** The per-VM sheet's columns: the vCenter, then every summary column, named as the API names them. */
export const VM_COLUMNS: Column[] = [
  col('vcenter', 'vCenter', 'text'),
  ...SUMMARY_COLUMN_NAMES.map((column) => {
    const name = column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    return col(column, UNITS[column] ? `${name} (${UNITS[column]})` : name, summaryKind(column));
  }),
];

/**
 * A cell's value as its column's type: numbers (pg returns bigint and numeric as text) and dates.
 * Text stays text even when it starts with `=`: exceljs writes a formula only for `{formula}`.
 */
function cell(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'int' || column.kind === 'number' || column.kind === 'cost') return Number(value);
  return value;
}

function widths(columns: Column[], rows: Row[]): number[] {
  return columns.map((column) => {
    const fixed = FIXED_WIDTH[column.kind];
    let width = column.header.length;
    for (const row of rows) {
      const value = row[column.key];
      if (value === null || value === undefined) continue;
      const text =
        typeof value === 'number' ? value.toLocaleString('en', { maximumFractionDigits: 2 }) : String(value);
      width = Math.max(width, fixed ?? text.length);
    }
    return Math.min(MAX_WIDTH, Math.max(width, fixed ?? 0) + 2);
  });
}

/**
 * A sheet with a frozen, filtered header row; widths fitted to `sample` (every row of the small
 * sheets, the first page of the per-VM one, whose columns must be set before its rows stream) and
 * at least `atLeast` (for a second table below the first).
 */
function table(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: Column[],
  sample: Row[],
  atLeast: number[] = [],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const fitted = widths(columns, sample).map((width, index) => Math.max(width, atLeast[index] ?? 0));
  sheet.columns = columns.map((column, index) => ({
    header: column.header,
    key: column.key,
    width: fitted[index],
    style: FORMATS[column.kind] ? { numFmt: FORMATS[column.kind] } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

function addRows(sheet: ExcelJS.Worksheet, columns: Column[], rows: Row[]): void {
  for (const row of rows) sheet.addRow(columns.map((column) => cell(column, row[column.key]))).commit();
}

const quote = (sheet: string): string => `'${sheet.replace(/'/g, "''")}'`;
const columnLetter = (index: number): string => String.fromCharCode(65 + index);
const range = (sheet: string, column: number, first: number, last: number): string =>
  `${quote(sheet)}!$${columnLetter(column)}$${first}:$${columnLetter(column)}$${last}`;

const SUMMARY = 'Summary';
/** The charts stand one above the other in the first columns, which the first printed page holds. */
const CHART_COLUMNS = 5;
const CHART_ROWS = 15;
const DAILY = 'Daily Totals';

/** Where the report's sheets are, for the charts added once the package is written. */
export interface WrittenReport {
  /** Sheet number of the summary (xl/worksheets/sheet{n}.xml). */
  summarySheet: number;
  charts: ChartSpec[];
  vms: number;
}

/**
 * Writes the report of `key` to `path` with exceljs's streaming writer: each row is written out
 * as it is added, and the per-VM rows are read a page at a time, so that a report of 40,000 VMs
 * never holds them all. Sheets: Summary (totals per vCenter, then per pool), Daily Totals, Hourly
 * Totals (daily reports), Tenants, VMs. Cost columns only when `charged` (a price card or per-node
 * cluster is configured).
 */
export async function writeWorkbook(
  path: string,
  key: ReportKey,
  data: ReportData,
  charged: boolean,
): Promise<WrittenReport> {
  const withCost = (columns: Column[]): Column[] => (charged ? [...columns, COST] : columns);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true });
  workbook.creator = 'vcc aggregator';

  // Summary: the vCenters' totals with the filter on them, then the pools below, then the charts.
  const totalsColumns = withCost([
    col('vcenter', 'vCenter', 'text'),
    col('samples', 'Samples', 'int'),
    ...TOTALS_MEASURES,
  ]);
  const poolColumns = withCost([col('pool', 'Pool', 'text'), ...SUMMED_MEASURES]);
  const vcenters = await data.vcenterTotals();
  const pools = await data.pools();
  const summary = table(workbook, SUMMARY, totalsColumns, vcenters, widths(poolColumns, pools));
  addRows(summary, totalsColumns, vcenters);
  summary.addRow([]).commit();
  const poolHeader = summary.addRow(poolColumns.map((column) => column.header));
  poolHeader.font = { bold: true };
  poolHeader.commit();
  const poolFirstRow = vcenters.length + 4;
  addRows(summary, poolColumns, pools);
  const chartsRow = poolFirstRow + pools.length + 1;
  summary.commit();

  const daily = await data.dailyTotals();
  const dailyColumns = withCost([col('interval', 'Day [start, end)', 'text'), ...TOTALS_MEASURES]);
  const dailySheet = table(workbook, DAILY, dailyColumns, daily);
  addRows(dailySheet, dailyColumns, daily);
  dailySheet.commit();

  if (key.type === 'daily') {
    const hours = await data.hourlyTotals();
    const hourColumns = [
      col('interval', 'Hour [start, end)', 'text'),
      col('vcenter', 'vCenter', 'text'),
      col('snapshot', 'Snapshot used (UTC)', 'date'),
      col('vms', 'VMs (prorated)', 'number'),
      col('vcpus', 'vCPU', 'number'),
      col('ram_gb', 'RAM (GB)', 'number'),
      col('disk_gb', 'Disk (GB)', 'number'),
    ];
    const hourSheet = table(workbook, 'Hourly Totals', hourColumns, hours);
    addRows(hourSheet, hourColumns, hours);
    hourSheet.commit();
  }

  const tenants = await data.tenants();
  const tenantColumns = withCost([
    col('tenant', 'Tenant', 'text'),
    col('folder', 'Folder', 'text'),
    ...SUMMED_MEASURES,
  ]);
  const tenantSheet = table(workbook, 'Tenants', tenantColumns, tenants);
  addRows(tenantSheet, tenantColumns, tenants);
  tenantSheet.commit();

  const vmColumns = charged ? VM_COLUMNS : VM_COLUMNS.filter((column) => column.key !== 'cost');
  let rows = await data.vms(undefined);
  const vmSheet = table(workbook, 'VMs', vmColumns, rows);
  let vms = 0;
  while (rows.length) {
    addRows(vmSheet, vmColumns, rows);
    vms += rows.length;
    const last = rows.at(-1)!;
    rows = await data.vms({ vcenterId: String(last.vcenter_id), moref: String(last.moref) });
  }
  vmSheet.commit();
  await workbook.commit();

  const dayLabels = daily.map((row) => String(row.interval).slice(0, 10));
  const lastDailyRow = Math.max(daily.length + 1, 2);
  return {
    summarySheet: 1,
    vms,
    charts: [
      {
        kind: 'line',
        title: `Daily totals, ${key.period.slice(0, 7)}`,
        axisTitle: 'VMs, vCPU',
        categories: { ref: range(DAILY, 0, 2, lastDailyRow), values: dayLabels },
        series: [
          {
            name: 'VMs',
            ref: range(DAILY, 1, 2, lastDailyRow),
            values: daily.map((r) => Number(r.vms)),
            color: '2F6EBA',
          },
          {
            name: 'vCPU',
            ref: range(DAILY, 2, 2, lastDailyRow),
            values: daily.map((r) => Number(r.vcpus)),
            color: 'E07B00',
          },
        ],
        anchor: { fromCol: 0, fromRow: chartsRow, toCol: CHART_COLUMNS, toRow: chartsRow + CHART_ROWS },
      },
      {
        kind: 'bar',
        title: `VMs per pool, ${key.period}`,
        axisTitle: 'VMs',
        categories: {
          ref: range(SUMMARY, 0, poolFirstRow, poolFirstRow + pools.length - 1),
          values: pools.map((row) => String(row.pool)),
        },
        series: [
          {
            name: 'VMs',
            ref: range(SUMMARY, 1, poolFirstRow, poolFirstRow + pools.length - 1),
            values: pools.map((row) => Number(row.vms)),
            color: '3A9A4A',
          },
        ],
        anchor: {
          fromCol: 0,
          fromRow: chartsRow + CHART_ROWS + 1,
          toCol: CHART_COLUMNS,
          toRow: chartsRow + 2 * CHART_ROWS + 1,
        },
      },
    ],
  };
}
