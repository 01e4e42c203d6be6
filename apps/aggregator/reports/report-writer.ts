import { Injectable } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import type { EntityManager } from 'typeorm';
import { AggregatorConfig } from '@vcc/config';
import { addCharts } from './report-charts';
import { ReportData } from './report-data';
import { ReportStore, type ReportInfo, type ReportKey } from './report-store';
import { writeWorkbook } from './report-workbook';

/** A report asked for a period that has no summary yet; the job fails with this message. */
export class NoSummaryError extends Error {
  override name = 'NoSummaryError';
}

/** Writes a period's XLSX report, with its charts, into the report store. */
@Injectable()
export class ReportWriter {
  constructor(
    private readonly config: AggregatorConfig,
    readonly store: ReportStore,
  ) {}

  /** The report of `key` from what `db` (the job's transaction) reads; replaces an older one. */
  async write(db: EntityManager, key: ReportKey): Promise<ReportInfo & { vms: number }> {
    const data = new ReportData(db, key, this.config.chargeback.timeZone);
    if (!(await data.vcenterTotals()).length)
      throw new NoSummaryError(
        `no ${key.type} totals for ${key.period}${key.vcenterId ? ` and vCenter ${key.vcenterId}` : ''}: aggregate the period first`,
      );
    const chargeback = this.config.chargeback;
    const charged = chargeback.priceCards.length > 0 || chargeback.filters.perNodeClusters.length > 0;
    let vms = 0;
    const info = await this.store.save(key, async (path) => {
      // exceljs writes the package, then the charts go in; the first file is only a step.
      const plain = `${path}.plain`;
      try {
        const written = await writeWorkbook(plain, key, data, charged);
        await addCharts(plain, path, written.summarySheet, written.charts);
        vms = written.vms;
      } finally {
        await rm(plain, { force: true });
      }
    });
    return { ...info, vms };
  }
}
