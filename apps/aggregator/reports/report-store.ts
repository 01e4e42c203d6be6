import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AggregatorConfig } from '@vcc/config';
import { badRequest, notFound } from '@vcc/platform';
import { VcenterRepository } from '../common/vcenter.repository';
import { page, type Page } from '../common/table';

export const REPORT_TYPES = ['daily', 'monthly'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The only names a report has: type, period, and the vCenter id when it covers one vCenter. A name
 * that does not match is never joined to a path, so no request can reach outside reports.dir.
 */
export const REPORT_NAME = new RegExp(
  `^chargeback-(?:daily-(\\d{4}-\\d{2}-\\d{2})|monthly-(\\d{4}-\\d{2}))(?:-(${UUID}))?\\.xlsx$`,
);

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportKey {
  type: ReportType;
  /** YYYY-MM-DD (daily) or YYYY-MM (monthly). */
  period: string;
  /** null: every vCenter. */
  vcenterId: string | null;
}

export interface ReportInfo extends ReportKey {
  name: string;
  vcenterName: string | null;
  size: number;
  createdAt: Date;
}

export interface ReportFilter {
  type?: ReportType;
  period?: string;
  limit: number;
  offset: number;
}

export function reportName(key: ReportKey): string {
  return `chargeback-${key.type}-${key.period}${key.vcenterId ? `-${key.vcenterId}` : ''}.xlsx`;
}

/** The report `name` stands for, or undefined when it is not a report's name. */
export function parseReportName(name: string): ReportKey | undefined {
  const match = REPORT_NAME.exec(name);
  if (!match) return undefined;
  return match[1]
    ? { type: 'daily', period: match[1], vcenterId: match[3] ?? null }
    : { type: 'monthly', period: match[2], vcenterId: match[3] ?? null };
}

const DAY_MS = 86_400_000;

/** What save() writes before the rename (and the writer beside it); left behind by a killed process. */
const TEMPORARY = /^\.chargeback-.+\.tmp(\.plain)?$/;

/** The reports in `reports.dir`: listing, lookup, atomic writes and retention. */
@Injectable()
export class ReportStore {
  private readonly logger = new Logger('Reports');
  readonly dir: string;
  private readonly keep: number;
  private readonly maxAgeDays: number;

  constructor(
    config: AggregatorConfig,
    private readonly vcenters: VcenterRepository,
  ) {
    this.dir = resolve(config.reports.dir);
    this.keep = config.reports.keep;
    this.maxAgeDays = config.reports.maxAgeDays;
  }

  /** Every report, newest first (vCenter names left null). */
  private async all(): Promise<ReportInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const reports: ReportInfo[] = [];
    for (const name of names) {
      const key = parseReportName(name);
      if (!key) continue;
      // Retention or a rewrite may remove a file between readdir and stat.
      const stats = await stat(join(this.dir, name)).catch(() => undefined);
      if (stats?.isFile())
        reports.push({ ...key, name, vcenterName: null, size: stats.size, createdAt: stats.mtime });
    }
    return reports.sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? -1 : 1),
    );
  }

  async count(): Promise<number> {
    return (await this.all()).length;
  }

  /** Reports newest first, of one type and period when given, with their vCenters' names. */
  async list(query: ReportFilter): Promise<Page<ReportInfo>> {
    const matching = (await this.all()).filter(
      (report) =>
        (query.type === undefined || report.type === query.type) &&
        (query.period === undefined || report.period === query.period),
    );
    const names = await this.vcenters.names();
    const rows = matching.slice(query.offset, query.offset + query.limit + 1).map((report) => ({
      ...report,
      vcenterName: report.vcenterId ? (names.get(report.vcenterId) ?? null) : null,
    }));
    return page(rows, query.limit, query.offset);
  }

  /** The path of report `name`: 400 for a name no report can have, 404 for one that does not exist. */
  async file(name: string): Promise<{ path: string; size: number }> {
    if (!parseReportName(name))
      throw badRequest('name', 'name must be a report name, e.g. chargeback-daily-2026-11-28.xlsx');
    const path = join(this.dir, name);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) throw notFound('name', `no report is named ${name}`);
    return { path, size: stats.size };
  }

  /**
   * Writes `key`'s report through `write` (which fills the temporary path it is given), then moves
   * it into place in one rename, so that a download never sees half a file; then applies retention.
   */
  async save(key: ReportKey, write: (path: string) => Promise<void>): Promise<ReportInfo> {
    await mkdir(this.dir, { recursive: true });
    const name = reportName(key);
    const temporary = join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await write(temporary);
      await rename(temporary, join(this.dir, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await this.applyRetention();
    const stats = await stat(join(this.dir, name));
    return { ...key, name, vcenterName: null, size: stats.size, createdAt: stats.mtime };
  }

  /**
   * Deletes reports beyond the newest `reports.keep` and those older than `reports.maxAgeDays`;
   * returns their names. Temporary files a day old go too: no write takes that long.
   */
  async applyRetention(now = new Date()): Promise<string[]> {
    const oldest = now.getTime() - this.maxAgeDays * DAY_MS;
    const expired = (await this.all()).filter(
      (report, index) => index >= this.keep || report.createdAt.getTime() < oldest,
    );
    for (const report of expired) await rm(join(this.dir, report.name), { force: true });
    for (const name of (await readdir(this.dir).catch(() => [])).filter((entry) => TEMPORARY.test(entry))) {
      const stats = await stat(join(this.dir, name)).catch(() => undefined);
      if (stats && stats.mtime.getTime() < now.getTime() - DAY_MS)
        await rm(join(this.dir, name), { force: true });
    }
    if (expired.length)
      this.logger.log(
        `retention: deleted ${expired.length} report(s): ${expired.map((r) => r.name).join(', ')}`,
      );
    return expired.map((report) => report.name);
  }
}
