import { Injectable } from '@nestjs/common';
import { AggregatorConfig } from '@vcc/config';
import { VcenterRepository } from '../common/vcenter.repository';
import { ChargebackQueryService } from '../query/chargeback-query.service';
import { HOURLY_TOTALS_DAYS, MAX_PAGE_ROWS, POOL_FILTERS } from '../query/query.dto';
import { ClusterStatusClient } from './cluster-status.client';
import { html, query, type Html } from './html';
import { COLOURS, num, numLink, options, type ChartSpec, type PageContent } from './layout';
import { ReportStore } from '../reports/report-store';
import type { DailyPageQuery, ReportsPageQuery, TotalsPageQuery, VmPageQuery } from './pages.dto';
import { PagesRepository } from './pages.repository';

type Row = Record<string, unknown>;

const DAILY_PAGE_ROWS = 100;
const REPORTS_PAGE_ROWS = 100;
/** Days the VM page looks at unless told otherwise, which also bounds its name search. */
const VM_DEFAULT_DAYS = 7;
const VM_MATCHES = 50;
const POOLS = ['tin', 'bronze', 'silver', 'gold'] as const;

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Formats times as `YYYY-MM-DD` and `YYYY-MM-DD HH:MM` in `timeZone` (Sweden's format is ISO 8601's). */
function calendarFormats(timeZone: string): { day: Intl.DateTimeFormat; minute: Intl.DateTimeFormat } {
  const day = { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' } as const;
  return {
    day: new Intl.DateTimeFormat('sv-SE', day),
    minute: new Intl.DateTimeFormat('sv-SE', { ...day, hour: '2-digit', minute: '2-digit' }),
  };
}

function lineChart(labels: string[], vcpu: number[], ramGb: number[]): ChartSpec {
  return {
    type: 'line',
    labels,
    axes: [
      { id: 'y', title: 'vCPU', position: 'left' },
      { id: 'y1', title: 'RAM (GB)', position: 'right' },
    ],
    datasets: [
      { label: 'vCPU', data: vcpu, yAxisID: 'y', borderColor: COLOURS[0], backgroundColor: COLOURS[0] },
      { label: 'RAM (GB)', data: ramGb, yAxisID: 'y1', borderColor: COLOURS[1], backgroundColor: COLOURS[1] },
    ],
  };
}

/** Builds each page from the query API's service (the same rules and filters as the API). */
@Injectable()
export class PagesService {
  private readonly timeZone: string;
  // Built once: an Intl formatter costs about as much to build as a table row to render.
  private readonly formats: ReturnType<typeof calendarFormats>;

  constructor(
    config: AggregatorConfig,
    private readonly chargeback: ChargebackQueryService,
    private readonly vcenters: VcenterRepository,
    private readonly repository: PagesRepository,
    private readonly cluster: ClusterStatusClient,
    private readonly reports: ReportStore,
  ) {
    this.timeZone = config.chargeback.timeZone;
    this.formats = calendarFormats(this.timeZone);
  }

  private localTime(time: Date): string {
    return this.formats.minute.format(time);
  }

  private today(): string {
    return this.formats.day.format(new Date());
  }

  private async vcenterSelect(current: string | undefined): Promise<Html> {
    const names = [...(await this.vcenters.names())].sort((a, b) => a[1].localeCompare(b[1]));
    const known = names.some(([id, name]) => id === current || name.toLowerCase() === current?.toLowerCase());
    const choices: [string, string][] = [['', 'all vCenters'], ...names];
    // A vCenter given by a name in another case, or an id no longer in the catalogue, stays chosen.
    if (current && !known) choices.push([current, current]);
    const selected = names.find(([, name]) => name.toLowerCase() === current?.toLowerCase())?.[0] ?? current;
    return html`<label
      >vCenter
      <select name="vcenter">
        ${options(choices, selected)}
      </select></label
    >`;
  }

  async totals(params: TotalsPageQuery): Promise<PageContent> {
    const hourly = params.granularity === 'hourly';
    const to = params.to ?? this.today();
    const from = params.from ?? addDays(to, hourly ? -1 : -(HOURLY_TOTALS_DAYS - 1));
    const result = await this.chargeback.totals({
      granularity: params.granularity,
      vcenter: params.vcenter,
      from,
      to,
      limit: MAX_PAGE_ROWS,
      offset: 0,
    });
    const labels: string[] = [];
    const vcpu: number[] = [];
    const ram: number[] = [];
    const rows = result.items.map((row) => {
      const start = row.periodStart as Date;
      const label = (hourly ? this.formats.minute : this.formats.day).format(start);
      if (labels[labels.length - 1] !== label) {
        labels.push(label);
        vcpu.push(0);
        ram.push(0);
      }
      vcpu[vcpu.length - 1] += Number(row.vcpus);
      ram[ram.length - 1] += Number(row.ramGb);
      // The rows behind a cell: that day's summary of the vCenter (for an hour, its day's).
      const day = label.slice(0, 10);
      const link = `/pages/daily${query({ day, vcenter: row.vcenterId as string })}`;
      const poolLink = (pool: string): string => `${link}&pool=${pool}`;
      return html`<tr>
        <td>${label}</td>
        <td>${row.vcenterName ?? row.vcenterId}</td>
        <td class="n">${numLink(link, row.vms, 1)}</td>
        <td class="n">${numLink(link, row.vcpus, 1)}</td>
        <td class="n">${numLink(link, row.ramGb, 1)}</td>
        <td class="n">${numLink(link, row.diskGb, 1)}</td>
        ${POOLS.map((pool) => html`<td class="n">${numLink(poolLink(pool), row[pool], 1)}</td>`)}
        <td class="n">${numLink(link, row.templates, 1)}</td>
        <td class="n">${numLink(link, row.cost, 2)}</td>
      </tr>`;
    });
    const form = html`<form method="get" action="/pages/totals" class="filters">
      <input type="hidden" name="granularity" value="${params.granularity}" />
      ${await this.vcenterSelect(params.vcenter)}
      <label>From <input type="date" name="from" value="${from}" /></label>
      <label>To <input type="date" name="to" value="${to}" /></label>
      <button type="submit">Show</button>
    </form>`;
    const more =
      result.nextOffset === null
        ? ''
        : html`<p class="note">Only the first ${MAX_PAGE_ROWS} rows are shown: narrow the dates.</p>`;
    return {
      title: hourly ? 'vCenter totals, hourly' : 'vCenter totals, daily',
      nav: hourly ? 'totals-hourly' : 'totals-daily',
      chart: lineChart(labels, vcpu, ram),
      body: html`${form}
        <p class="note">
          ${hourly ? `Each complete snapshot (the last ${HOURLY_TOTALS_DAYS} days are kept).` : 'Averages over the complete snapshots of each day.'}
          Days in ${this.timeZone}. Every number opens the daily summary rows behind it.
        </p>
        ${more}
        <div class="table">
          <table>
            <thead>
              <tr>
                <th>${hourly ? 'Hour' : 'Day'}</th>
                <th>vCenter</th>
                <th class="n">VMs</th>
                <th class="n">vCPU</th>
                <th class="n">RAM (GB)</th>
                <th class="n">Disk (GB)</th>
                <th class="n">Tin VMs</th>
                <th class="n">Bronze VMs</th>
                <th class="n">Silver VMs</th>
                <th class="n">Gold VMs</th>
                <th class="n">Templates</th>
                <th class="n">Cost</th>
              </tr>
            </thead>
            <tbody>
              ${
                rows.length
                  ? rows
                  : html`<tr>
                      <td colspan="12">No totals in these days.</td>
                    </tr>`
              }
            </tbody>
          </table>
        </div>`,
    };
  }

  async daily(params: DailyPageQuery): Promise<PageContent> {
    const day = params.day ?? addDays(this.today(), -1);
    const result = await this.chargeback.daily({
      ...params,
      day,
      limit: DAILY_PAGE_ROWS,
      offset: params.offset,
    });
    const rows = result.items.map((row: Row) => {
      const trace = `/pages/vm${query({ vcenter: row.vcenterId as string, moref: row.moref as string, view: 'daily', from: addDays(day, -(VM_DEFAULT_DAYS - 1)), to: day })}`;
      return html`<tr>
        <td><a href="${trace}">${row.name}</a></td>
        <td>${row.vcenterName ?? row.vcenterId}</td>
        <td>${row.cluster}</td>
        <td>${row.folder}</td>
        <td>${row.pool}</td>
        <td class="n">${num(row.samplesPresent)} / ${num(row.totalSamples)}</td>
        <td class="n">${num(row.avgVcpuCount, 2)}</td>
        <td class="n">${num(row.avgRamGb, 2)}</td>
        <td class="n">${num(row.avgProvisionedDisk, 1)}</td>
        <td class="n">${num(row.exactPresentHours, 2)}</td>
        <td class="n">${num(row.cost, 4)}</td>
      </tr>`;
    });
    const base = { ...params, day, offset: undefined };
    const pager = html`<p class="pager">
      Rows ${result.items.length ? params.offset + 1 : 0}–${params.offset + result.items.length}
      ${params.offset > 0 ? html` <a href="/pages/daily${query({ ...base, offset: Math.max(0, params.offset - DAILY_PAGE_ROWS) })}">previous</a>` : ''}
      ${result.nextOffset !== null ? html` <a href="/pages/daily${query({ ...base, offset: result.nextOffset })}">next</a>` : ''}
    </p>`;
    return {
      title: `Daily summary, ${day}`,
      nav: 'daily',
      body: html`<form method="get" action="/pages/daily" class="filters">
          <label>Day <input type="date" name="day" value="${day}" /></label>
          ${await this.vcenterSelect(params.vcenter)}
          <label>Cluster <input name="cluster" value="${params.cluster}" /></label>
          <label>Folder <input name="folder" value="${params.folder}" /></label>
          <label
            >Pool
            <select name="pool">
              ${options([['', 'any'], ...POOL_FILTERS.map((pool) => [pool, pool] as const)], params.pool)}
            </select></label
          >
          <label>Name contains <input name="name" value="${params.name}" /></label>
          <button type="submit">Show</button>
        </form>
        <p class="note">
          One row per VM: averages over the day's complete snapshots. A VM's name opens its trace.
        </p>
        ${pager}
        <div class="table">
          <table>
            <thead>
              <tr>
                <th>VM</th>
                <th>vCenter</th>
                <th>Cluster</th>
                <th>Folder</th>
                <th>Pool</th>
                <th class="n">Samples present</th>
                <th class="n">vCPU (avg)</th>
                <th class="n">RAM (GB, avg)</th>
                <th class="n">Disk (GB, avg)</th>
                <th class="n">Hours present</th>
                <th class="n">Cost</th>
              </tr>
            </thead>
            <tbody>
              ${
                rows.length
                  ? rows
                  : html`<tr>
                      <td colspan="11">No VMs match.</td>
                    </tr>`
              }
            </tbody>
          </table>
        </div>`,
    };
  }

  async vm(params: VmPageQuery): Promise<PageContent> {
    // Yesterday: the last day with a daily summary, which the name search reads.
    const to = params.to ?? addDays(this.today(), -1);
    const from = params.from ?? addDays(to, -(VM_DEFAULT_DAYS - 1));
    const form = html`<form method="get" action="/pages/vm" class="filters">
      <label
        >VM name
        <input name="name" value="${params.moref ? undefined : params.name}" placeholder="part of the name"
      /></label>
      <label
        >View
        <select name="view">
          ${options(
            [
              ['daily', 'daily summaries'],
              ['hourly', 'hourly snapshots'],
            ],
            params.view,
          )}
        </select></label
      >
      <label>From <input type="date" name="from" value="${from}" /></label>
      <label>To <input type="date" name="to" value="${to}" /></label>
      <button type="submit">Search</button>
    </form>`;
    const content = (body: Html, chart?: ChartSpec, title = 'VM trace'): PageContent => ({
      title,
      nav: 'vm',
      chart,
      body: html`${form}${body}`,
    });

    let vm: { vcenter: string; moref: string } | undefined =
      params.vcenter && params.moref ? { vcenter: params.vcenter, moref: params.moref } : undefined;
    if (!vm) {
      if (!params.name)
        return content(
          html`<p class="note">
            Search a VM by a part of its name, among the VMs of the daily summary of the last day chosen.
          </p>`,
        );
      if (from > to) return { ...content(html``), problem: `to must not be before from (${from})` };
      const matches = await this.repository.searchVms(params.name, to, VM_MATCHES + 1);
      if (matches.length !== 1) {
        const list = matches.slice(0, VM_MATCHES).map((match) => {
          const href = `/pages/vm${query({ vcenter: match.vcenterId, moref: match.moref, view: params.view, from, to })}`;
          return html`<li>
            <a href="${href}">${match.name}</a> (${match.vcenterName ?? match.vcenterId}, ${match.moref})
          </li>`;
        });
        return content(
          matches.length
            ? html`<p class="note">
                  ${matches.length > VM_MATCHES ? `More than ${VM_MATCHES}` : matches.length} VMs match; pick
                  one.
                </p>
                <ul class="matches">
                  ${list}
                </ul>`
            : html`<p class="note">
                No VM whose name contains “${params.name}” is in the daily summary of ${to}; a VM gone before
                that day is found by choosing an earlier last day.
              </p>`,
        );
      }
      vm = { vcenter: matches[0].vcenterId, moref: matches[0].moref };
    }

    const result = await this.chargeback.trace({
      ...vm,
      view: params.view,
      from,
      to,
      limit: MAX_PAGE_ROWS,
      offset: 0,
    });
    const items = result.items;
    const last = items[items.length - 1];
    const title = last ? `VM trace: ${String(last.name)}` : 'VM trace';
    if (!last)
      return content(
        html`<p class="note">No rows of ${vm.moref} from ${from} to ${to}.</p>`,
        undefined,
        title,
      );
    const daily = params.view === 'daily';
    const labels = items.map((row) => (daily ? String(row.day) : this.localTime(row.snapshotTime as Date)));
    const vcpu = items.map((row) => Number(daily ? row.avgVcpuCount : row.vcpus));
    const ram = items.map((row) => Number(daily ? row.avgRamGb : row.ramGb));
    const rows = items.map((row, index) => {
      const day = labels[index].slice(0, 10);
      const link = `/pages/daily${query({ day, vcenter: row.vcenterId as string, name: row.name as string })}`;
      return daily
        ? html`<tr>
            <td>${labels[index]}</td>
            <td>${row.cluster}</td>
            <td>${row.resourcePool}</td>
            <td class="n">${numLink(link, row.poweredOnHours, 2)}</td>
            <td class="n">${numLink(link, row.samplesPresent)} / ${num(row.totalSamples)}</td>
            <td class="n">${numLink(link, row.avgVcpuCount, 2)}</td>
            <td class="n">${numLink(link, row.avgRamGb, 2)}</td>
            <td class="n">${numLink(link, row.avgProvisionedDisk, 1)}</td>
            <td class="n">${numLink(link, row.exactPresentHours, 2)}</td>
            <td class="n">${numLink(link, row.cost, 4)}</td>
          </tr>`
        : html`<tr>
            <td>${labels[index]}${row.complete ? '' : ' (incomplete)'}</td>
            <td>${row.cluster}</td>
            <td>${row.resourcePool}</td>
            <td>${row.powerState}</td>
            <td class="n">${numLink(link, row.vcpus)}</td>
            <td class="n">${numLink(link, row.ramGb, 2)}</td>
            <td class="n">${numLink(link, row.provisionedDiskGb, 1)}</td>
            <td>${row.host}</td>
          </tr>`;
    });
    const head = daily
      ? html`<th>Day</th>
          <th>Cluster</th>
          <th>Resource pool</th>
          <th class="n">Powered-on hours</th>
          <th class="n">Samples present</th>
          <th class="n">vCPU (avg)</th>
          <th class="n">RAM (GB, avg)</th>
          <th class="n">Disk (GB, avg)</th>
          <th class="n">Hours present</th>
          <th class="n">Cost</th>`
      : html`<th>Snapshot</th>
          <th>Cluster</th>
          <th>Resource pool</th>
          <th>Power</th>
          <th class="n">vCPU</th>
          <th class="n">RAM (GB)</th>
          <th class="n">Disk (GB)</th>
          <th>Host</th>`;
    return content(
      html`<p class="note">
          ${last.vcenterName ?? last.vcenterId}, ${vm.moref},
          ${daily ? 'daily summaries' : `hourly snapshots (times in ${this.timeZone})`}; numbers open the
          day's summary row.
        </p>
        <div class="table">
          <table>
            <thead>
              <tr>
                ${head}
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>
        </div>`,
      lineChart(labels, vcpu, ram),
      title,
    );
  }

  /** The XLSX reports in reports.dir, newest first, each a download through the pages' own login. */
  async reportsPage(params: ReportsPageQuery): Promise<PageContent> {
    const result = await this.reports.list({
      type: params.type,
      limit: REPORTS_PAGE_ROWS,
      offset: params.offset,
    });
    const rows = result.items.map(
      (report) =>
        html`<tr>
          <td><a href="/pages/reports/${encodeURIComponent(report.name)}" download>${report.name}</a></td>
          <td>${report.type}</td>
          <td>${report.period}</td>
          <td>${report.vcenterName ?? report.vcenterId ?? 'all vCenters'}</td>
          <td class="n">${num(report.size / 1024, 1)}</td>
          <td>${this.localTime(report.createdAt)}</td>
        </tr>`,
    );
    const base = { type: params.type };
    return {
      title: 'Reports',
      nav: 'reports',
      body: html`<form method="get" action="/pages/reports" class="filters">
          <label
            >Type
            <select name="type">
              ${options(
                [
                  ['', 'all'],
                  ['daily', 'daily'],
                  ['monthly', 'monthly'],
                ],
                params.type,
              )}
            </select></label
          >
          <button type="submit">Show</button>
        </form>
        <p class="note">
          XLSX chargeback reports, written after each daily and monthly job and on demand (POST
          /api/v1/reports).
          ${result.items.length ? params.offset + 1 : 0}–${params.offset + result.items.length}
          ${params.offset > 0 ? html` <a href="/pages/reports${query({ ...base, offset: Math.max(0, params.offset - REPORTS_PAGE_ROWS) })}">previous</a>` : ''}
          ${result.nextOffset !== null ? html` <a href="/pages/reports${query({ ...base, offset: result.nextOffset })}">next</a>` : ''}
        </p>
        <div class="table">
          <table>
            <thead>
              <tr>
                <th>Report</th>
                <th>Type</th>
                <th>Period</th>
                <th>vCenter</th>
                <th class="n">Size (KB)</th>
                <th>Written</th>
              </tr>
            </thead>
            <tbody>
              ${
                rows.length
                  ? rows
                  : html`<tr>
                      <td colspan="6">No reports yet.</td>
                    </tr>`
              }
            </tbody>
          </table>
        </div>`,
    };
  }

  async clusterPage(): Promise<PageContent & { status: number }> {
    const result = await this.cluster.read();
    const base = { title: 'Cluster', nav: 'cluster' };
    if (result.state === 'not-configured')
      return {
        ...base,
        status: 200,
        body: html`<p class="note">
          Not configured: set pages.controllerUrl and pages.controllerToken (a reader token of the
          controller).
        </p>`,
      };
    if (result.state === 'failed')
      return {
        ...base,
        status: 502,
        body: html``,
        problem: `Cannot read the controller's status: ${result.error}`,
      };
    const status = result.status;
    const members = status.vcenters.flatMap((vcenter) =>
      vcenter.members.map((member) => ({ vcenter, member })),
    );
    const sections = status.vcenters.map(
      (vcenter) =>
        html`<h2>${vcenter.name}${vcenter.paused ? ' (paused)' : ''}</h2>
          <p class="note">
            Epoch ${vcenter.epoch}, ${vcenter.groupCount} groups; last cycles collected
            ${num(vcenter.coverage.entitiesCollected)} of ${num(vcenter.coverage.entitiesAssigned)}
            entities${vcenter.staleMembers.length ? html`; <strong>stale: ${vcenter.staleMembers.join(', ')}</strong>` : ''}.
          </p>
          <div class="table">
            <table>
              <thead>
                <tr>
                  <th>Collector</th>
                  <th>Version</th>
                  <th>State</th>
                  <th class="n">Weight</th>
                  <th>Groups</th>
                  <th class="n">Lease age (s)</th>
                  <th>Last cycle</th>
                  <th class="n">Duration (s)</th>
                  <th class="n">Collected / assigned</th>
                  <th class="n">Points</th>
                  <th class="n">Errors</th>
                </tr>
              </thead>
              <tbody>
                ${vcenter.members.map(
                  (
                    member,
                  ) => html`<tr${member.stale ? html` class="stale"` : ''}><td>${member.name}</td><td>${member.version}</td><td>${member.state}${member.stale ? ' (stale)' : ''}</td>
<td class="n">${member.weight}</td><td>${member.groupIndices.join(', ')}</td><td class="n">${num(member.leaseAgeSeconds, 1)}</td>
<td>${member.lastCycle ? this.localTime(new Date(member.lastCycle.cycleStart)) : 'none yet'}</td>
<td class="n">${member.lastCycle ? num(member.lastCycle.durationMs / 1000, 1) : ''}</td>
<td class="n">${member.lastCycle ? `${num(member.lastCycle.entitiesCollected)} / ${num(member.lastCycle.entitiesAssigned)}` : ''}</td>
<td class="n">${member.lastCycle ? num(member.lastCycle.points) : ''}</td><td class="n">${member.lastCycle ? num(member.lastCycle.errors) : ''}</td></tr>`,
                )}
              </tbody>
            </table>
          </div>`,
    );
    const chart: ChartSpec = {
      type: 'bar',
      labels: members.map(({ vcenter, member }) => `${member.name} (${vcenter.name})`),
      axes: [{ id: 'y', title: 'seconds', position: 'left' }],
      datasets: [
        {
          label: 'lease age (s)',
          data: members.map(({ member }) => member.leaseAgeSeconds),
          yAxisID: 'y',
          borderColor: COLOURS[0],
          backgroundColor: COLOURS[0],
        },
        {
          label: 'last cycle (s)',
          data: members.map(({ member }) => (member.lastCycle ? member.lastCycle.durationMs / 1000 : null)),
          yAxisID: 'y',
          borderColor: COLOURS[1],
          backgroundColor: COLOURS[1],
        },
      ],
    };
    return {
      ...base,
      status: 200,
      chart: members.length ? chart : undefined,
      body: html`<p class="note">
          From the controller at ${status.generatedAt}: heartbeat every ${status.heartbeatIntervalSeconds} s,
          lease ${status.leaseTtlSeconds} s.
        </p>
        ${sections}
        ${
          status.unplaced.length
            ? html`<h2>Waiting for a vCenter</h2>
                <ul>
                  ${status.unplaced.map((c) => html`<li>${c.name} (lease age ${num(c.leaseAgeSeconds, 1)} s)</li>`)}
                </ul>`
            : ''
        }
        ${status.vcenters.length ? '' : html`<p class="note">No vCenter in the catalogue.</p>`}`,
    };
  }
}
