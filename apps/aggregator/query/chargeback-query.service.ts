import { Injectable } from '@nestjs/common';
import { AggregatorConfig, CHARGEBACK_POOLS } from '@vcc/config';
import { badRequest } from '@vcc/platform';
import { VcenterRepository } from '../common/vcenter.repository';
import { currentDay } from '../jobs/job';
import {
  HOURLY_TOTALS_DAYS,
  type DailySummaryQuery,
  type MonthlySummaryQuery,
  type SummaryFilterQuery,
  type TotalsQuery,
  type VmTraceQuery,
} from './query.dto';
import { SummaryRepository, type SummaryFilter, type VmSelector } from './summary.repository';
import { page, type Page } from '../common/table';

type Row = Record<string, unknown>;

const DAY_MS = 86_400_000;

/** The query API's rules beyond single fields: vCenter names, VM selection, date ranges. */
@Injectable()
export class ChargebackQueryService {
  constructor(
    private readonly config: AggregatorConfig,
    private readonly summaries: SummaryRepository,
    private readonly vcenters: VcenterRepository,
  ) {}

  async daily(query: DailySummaryQuery): Promise<Page<Row>> {
    const rows = await this.summaries.daily(query.day, await this.filter(query), query);
    return page(rows, query.limit, query.offset);
  }

  async monthly(query: MonthlySummaryQuery): Promise<Page<Row>> {
    const rows = await this.summaries.monthly(query.month, await this.filter(query), query);
    return page(rows, query.limit, query.offset);
  }

  async trace(query: VmTraceQuery): Promise<Page<Row>> {
    checkRange(query.from, query.to);
    const vm = await this.vmSelector(query);
    const rows =
      query.view === 'daily'
        ? await this.summaries.dailyTrace(vm, query.from, query.to, query)
        : await this.summaries.hourlyTrace(vm, query.from, query.to, this.config.chargeback.timeZone, query);
    return page(rows, query.limit, query.offset);
  }

  async totals(query: TotalsQuery): Promise<Page<Row>> {
    checkRange(query.from, query.to);
    const timeZone = this.config.chargeback.timeZone;
    if (query.granularity === 'hourly') {
      const earliest = currentDay(new Date(Date.now() - HOURLY_TOTALS_DAYS * DAY_MS), timeZone);
      if (query.from < earliest)
        throw badRequest(
          'from',
          `from: hourly totals go back ${HOURLY_TOTALS_DAYS} days, to ${earliest}; use granularity daily for older ones`,
        );
    }
    const vcenterId = await this.vcenters.resolve('vcenter', query.vcenter);
    const rows = await this.summaries.totals(
      query.granularity,
      vcenterId,
      query.from,
      query.to,
      timeZone,
      query,
    );
    return page(rows, query.limit, query.offset);
  }

  private async filter(query: SummaryFilterQuery): Promise<SummaryFilter> {
    return {
      vcenterId: await this.vcenters.resolve('vcenter', query.vcenter),
      cluster: query.cluster,
      folder: query.folder,
      pool: query.pool === undefined ? undefined : ['none', ...CHARGEBACK_POOLS].indexOf(query.pool),
      name: query.name,
    };
  }

  private async vmSelector(query: VmTraceQuery): Promise<VmSelector> {
    if (query.moref !== undefined && query.name !== undefined)
      throw badRequest('name', 'name: give vcenter and moref, or name, not both');
    if (query.name !== undefined) {
      if (query.vcenter !== undefined) throw badRequest('vcenter', 'vcenter: goes with moref, not with name');
      return { name: query.name };
    }
    if (query.moref === undefined) throw badRequest('moref', 'moref: give vcenter and moref, or name');
    const vcenterId = await this.vcenters.resolve('vcenter', query.vcenter);
    if (!vcenterId) throw badRequest('vcenter', 'vcenter: is required with moref');
    return { vcenterId, moref: query.moref };
  }
}

function checkRange(from: string, to: string): void {
  if (from > to) throw badRequest('to', `to: must not be before from (${from})`);
}
