import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { Client } from 'pg';
import type { RunningApp } from '../support/apps';
import type { TestDatabase } from '../support/postgres';
import { client, TOKENS, type ControllerClient } from '../controller/controller-harness';
import { eventually, jobEnd, reportsDir, startAggregator } from './aggregator-harness';
import { addSnapshots, addVcenter, addVm, chargebackDatabase, hoursOf } from './chargeback-fixtures';

const run = promisify(execFile);

const VC_A = 'cccccccc-0000-4000-8000-00000000000a';
const VC_B = 'cccccccc-0000-4000-8000-00000000000b';

// Days of last month (the catch-up aggregates days before today and months before this one).
const now = new Date();
const MONTH = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const D1 = `${MONTH}-10`;
const D2 = `${MONTH}-11`;
const at = (day: string, time: string): Date => new Date(`${day}T${time}Z`);

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PRICE_CARDS = [{ name: 'standard', scope: 'all', vcpuHour: 0.01, ramGbHour: 0.002, diskGbMonth: 0.05 }];

type Row = Record<string, unknown>;

describe('XLSX chargeback reports', () => {
  let database: TestDatabase;
  let db: Client;
  let aggregator: RunningApp;
  let api: ControllerClient;
  let dir: string;
  let scratch: string;

  const download = async (name: string, token: string = TOKENS.reader): Promise<Response> =>
    fetch(`${aggregator.url}/api/v1/reports/${name}`, { headers: { authorization: `Bearer ${token}` } });

  const workbook = async (name: string): Promise<ExcelJS.Workbook> => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await (await download(name)).arrayBuffer()) as never);
    return book;
  };

  /** A sheet's rows below its header, as objects keyed by header. */
  const rowsOf = (sheet: ExcelJS.Worksheet, first = 2, last = sheet.rowCount): Row[] => {
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Row[] = [];
    for (let index = first; index <= last; index++) {
      const values = (sheet.getRow(index).values as unknown[]).slice(1);
      rows.push(Object.fromEntries(headers.map((header, i) => [header, values[i] ?? null])));
    }
    return rows;
  };

  const all = async (path: string): Promise<Row[]> => {
    const reply = await api.get<{ items: Row[]; nextOffset: number | null }>(`${path}&limit=10000`, 'reader');
    expect(reply.status).toBe(200);
    expect(reply.body.nextOffset).toBeNull();
    return reply.body.items;
  };

  beforeAll(async () => {
    ({ database, client: db } = await chargebackDatabase([MONTH]));
    dir = reportsDir(database.url);
    scratch = await mkdtemp(join(tmpdir(), 'vcc-reports-e2e-'));
    await addVcenter(db, VC_A, 'vc-a');
    await addVcenter(db, VC_B, 'vc-b');
    // Both days and the first hour of the day after: the last hour of D2 is taken from it.
    const hours = [...hoursOf(D1), ...hoursOf(D2), at(`${MONTH}-12`, '00:00:00')];
    for (const vc of [VC_A, VC_B]) await addSnapshots(db, vc, hours);
    const pools = ['Gold', 'Silver', 'Tin', null];
    for (const [index, pool] of pools.entries())
      await addVm(db, VC_A, hours, {
        moref: `vm-${index + 1}`,
        // A name a spreadsheet would run as a formula stays text.
        name: index === 3 ? '=1+2' : `app-${index + 1}`,
        vcpus: index + 1,
        memory_mb: 2048 * (index + 1),
        provisioned_disk_gb: 10 * (index + 1),
        resource_pool_name: pool,
        folder_path: index < 2 ? 'tenant-a/prod' : 'tenant-b',
      });
    // Created at 10:20 on D1: a third of the hour [10:00, 11:00) is before it.
    const created = hours.filter((time) => time >= at(D1, '11:00:00'));
    await addVm(db, VC_A, created, {
      moref: 'vm-new',
      name: 'new',
      vcpus: 3,
      memory_mb: 3072,
      vm_created_at: at(D1, '10:20:00').toISOString(),
    });
    // Deleted at 14:30 on D1: in the snapshots up to 14:00, with its deletion time.
    const alive = hours.filter((time) => time <= at(D1, '14:00:00'));
    await addVm(db, VC_A, alive, { moref: 'vm-gone', name: 'gone', vcpus: 4, memory_mb: 1024 });
    await db.query(`UPDATE inventory_vm SET deletion_time = $1 WHERE moref = 'vm-gone'`, [
      at(D1, '14:30:00'),
    ]);
    await addVm(db, VC_B, hours, {
      moref: 'vm-1',
      name: 'b-1',
      vcpus: 8,
      memory_mb: 8192,
      resource_pool_name: 'Bronze',
    });
    aggregator = await startAggregator(database.url, {
      VCC_REPORTS_AFTER_JOBS: 'true',
      VCC_REPORTS_KEEP: '6',
      VCC_REPORTS_MAX_AGE_DAYS: '30',
      VCC_CHARGEBACK_PRICE_CARDS: JSON.stringify(PRICE_CARDS),
    });
    api = client(aggregator.url);
  });

  afterAll(async () => {
    expect(await aggregator?.stop()).toBe(0);
    await db?.end();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it('writes a report after each daily and monthly job of the catch-up, and lists them', async () => {
    const names = [
      `chargeback-daily-${D1}.xlsx`,
      `chargeback-daily-${D2}.xlsx`,
      `chargeback-daily-${MONTH}-12.xlsx`,
      `chargeback-monthly-${MONTH}.xlsx`,
    ];
    const listed = await eventually(
      async () => {
        const reply = await api.get<{ items: Row[] }>('/api/v1/reports', 'reader');
        return reply.body.items.length === names.length && reply.body.items;
      },
      'the reports of the catch-up',
      60_000,
    );
    expect(listed.map((report) => report.name).sort()).toEqual([...names].sort());
    const monthly = listed.find((report) => report.type === 'monthly')!;
    expect(monthly).toEqual({
      name: `chargeback-monthly-${MONTH}.xlsx`,
      type: 'monthly',
      period: MONTH,
      vcenterId: null,
      vcenterName: null,
      size: expect.any(Number),
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(monthly.size).toBeGreaterThan(5000);

    const paged = await api.get('/api/v1/reports?type=daily&limit=2', 'reader');
    expect(paged.body).toMatchObject({ limit: 2, offset: 0, nextOffset: 2 });
    expect(paged.body.items).toHaveLength(2);
    const rest = await api.get('/api/v1/reports?type=daily&limit=2&offset=2', 'reader');
    expect(rest.body).toMatchObject({
      nextOffset: null,
      items: [expect.objectContaining({ type: 'daily' })],
    });
    expect((await api.get(`/api/v1/reports?period=${D2}`, 'reader')).body.items).toEqual([
      expect.objectContaining({ name: `chargeback-daily-${D2}.xlsx` }),
    ]);
    expect((await api.get('/api/v1/reports', null)).status).toBe(401);
  });

  it('has the numbers of the API in typed, formatted cells, with frozen and filtered headers (exceljs)', async () => {
    const book = await workbook(`chargeback-daily-${D1}.xlsx`);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual([
      'Summary',
      'Daily Totals',
      'Hourly Totals',
      'Tenants',
      'VMs',
    ]);
    const totals = await all(`/api/v1/chargeback/totals?granularity=daily&from=${D1}&to=${D1}`);
    const summary = book.getWorksheet('Summary')!;
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(summary.autoFilter).toBeTruthy();
    const vcenterRows = rowsOf(summary, 2, 3);
    expect(vcenterRows.map((row) => row.vCenter)).toEqual(['vc-a', 'vc-b']);
    for (const row of vcenterRows) {
      const api = totals.find((total) => total.vcenterName === row.vCenter)!;
      expect(row).toMatchObject({
        Samples: 24,
        VMs: api.vms,
        vCPU: api.vcpus,
        'RAM (GB)': api.ramGb,
        'Disk (GB)': api.diskGb,
        'Tin (VMs)': api.tin,
        'Gold (VMs)': api.gold,
        'Bronze (VMs)': api.bronze,
        Cost: Number(api.cost),
      });
    }
    expect(Number(totals[0].cost)).toBeGreaterThan(0);
    const vmsCell = summary.getCell('C2');
    expect(vmsCell.type).toBe(ExcelJS.ValueType.Number);
    expect(vmsCell.numFmt).toBe('#,##0.00');

    // The pools below the vCenters: sums of the API's daily rows.
    const daily = await all(`/api/v1/chargeback/daily?day=${D1}`);
    expect(summary.getCell('A5').value).toBe('Pool');
    const pools = ['none', 'tin', 'bronze', 'silver', 'gold'];
    pools.forEach((pool, index) => {
      const rows = daily.filter((row) => row.pool === pool && !row.isTemplate);
      const poolRow = summary.getRow(6 + index);
      expect(poolRow.getCell(1).value).toBe(pool);
      expect(poolRow.getCell(2).value).toBe(rows.length);
      expect(poolRow.getCell(3).value).toBeCloseTo(
        rows.reduce((sum, row) => sum + Number(row.avgVcpuCount), 0),
        9,
      );
    });

    // Every VM with every summary column, numbers as numbers.
    const vmSheet = book.getWorksheet('VMs')!;
    expect(vmSheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(vmSheet.autoFilter).toBeTruthy();
    const vms = rowsOf(vmSheet);
    expect(vms).toHaveLength(daily.length);
    for (const row of daily) {
      const sheetRow = vms.find((vm) => vm.vCenter === row.vcenterName && vm.moref === row.moref)!;
      expect(sheetRow).toMatchObject({
        name: row.name,
        totalSamples: row.totalSamples,
        samplesPresent: row.samplesPresent,
        'avgIsPresent (ratio)': row.avgIsPresent,
        'avgVcpuCount (vCPU)': row.avgVcpuCount,
        'avgRamGb (GB)': row.avgRamGb,
        'exactPresentHours (h)': row.exactPresentHours,
        'vcpuHours (vCPU·h)': row.vcpuHours,
        cost: Number(row.cost),
        pool: row.pool,
      });
    }
    const header = (vmSheet.getRow(1).values as unknown[]).slice(1);
    const formulaName = vmSheet
      .getRow(vms.findIndex((vm) => vm.moref === 'vm-4') + 2)
      .getCell(header.indexOf('name') + 1);
    expect([formulaName.type, formulaName.value]).toEqual([ExcelJS.ValueType.String, '=1+2']);
    const vcpuColumn = header.indexOf('avgVcpuCount (vCPU)') + 1;
    expect(vmSheet.getRow(2).getCell(vcpuColumn).type).toBe(ExcelJS.ValueType.Number);
    expect(vmSheet.getColumn(vcpuColumn).width).toBeGreaterThanOrEqual('avgVcpuCount (vCPU)'.length);
    expect(vmSheet.getRow(2).getCell(header.indexOf('snapshotTime (UTC)') + 1).type).toBe(
      ExcelJS.ValueType.Date,
    );

    // Per tenant and folder: the API's rows summed.
    const tenants = rowsOf(book.getWorksheet('Tenants')!);
    const tenantB = daily.filter((row) => row.folder === 'tenant-b');
    expect(tenants.find((row) => row.Folder === 'tenant-b')).toMatchObject({
      Tenant: 'tenant-b',
      VMs: tenantB.length,
      Cost: expect.closeTo(
        tenantB.reduce((sum, row) => sum + Number(row.cost), 0),
        4,
      ),
    });
  });

  it('has hourly interval rows from the snapshot after each hour, presence prorated (exceljs)', async () => {
    const book = await workbook(`chargeback-daily-${D1}.xlsx`);
    const hours = rowsOf(book.getWorksheet('Hourly Totals')!).filter((row) => row.vCenter === 'vc-a');
    expect(hours).toHaveLength(24);
    const hour = (start: string): Row =>
      hours.find((row) => String(row['Hour [start, end)']).startsWith(`${D1} ${start} to `))!;
    // Four VMs always, vm-gone (4 vCPU) until 14:30, vm-new (3 vCPU) from 10:20.
    expect(hour('09:00')).toMatchObject({ 'VMs (prorated)': 5, vCPU: 14 });
    expect(hour('10:00')['VMs (prorated)']).toBeCloseTo(5 + 2 / 3, 9);
    expect(hour('10:00').vCPU).toBeCloseTo(14 + 2, 9);
    expect(hour('10:00')['Snapshot used (UTC)']).toEqual(at(D1, '11:00:00'));
    expect(hour('14:00')['VMs (prorated)']).toBeCloseTo(4 + 0.5 + 1, 9);
    expect(hour('14:00').vCPU).toBeCloseTo(10 + 2 + 3, 9);
    expect(hour('15:00')).toMatchObject({ 'VMs (prorated)': 5, vCPU: 13 });
    // Across midnight: the last hour is taken from the next day's first snapshot.
    expect(hour('23:00')).toMatchObject({
      'Hour [start, end)': `${D1} 23:00 to ${D2} 00:00`,
      'Snapshot used (UTC)': at(D2, '00:00:00'),
      'VMs (prorated)': 5,
    });
  });

  it('labels the daily totals of a monthly report by interval, as the API has them, and draws charts', async () => {
    const name = `chargeback-monthly-${MONTH}.xlsx`;
    const book = await workbook(name);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Daily Totals', 'Tenants', 'VMs']);
    const days = rowsOf(book.getWorksheet('Daily Totals')!);
    const totals = await all(`/api/v1/chargeback/totals?granularity=daily&from=${MONTH}-01&to=${D2}`);
    expect(days.map((row) => row['Day [start, end)'])).toEqual([
      `${D1} to ${D2}`,
      `${D2} to ${MONTH}-12`,
      `${MONTH}-12 to ${MONTH}-13`,
    ]);
    for (const day of [D1, D2]) {
      const ofDay = totals.filter((row) => String(row.periodStart).startsWith(day));
      expect(days.find((row) => String(row['Day [start, end)']).startsWith(day))).toMatchObject({
        VMs: ofDay.reduce((sum, row) => sum + Number(row.vms), 0),
        vCPU: ofDay.reduce((sum, row) => sum + Number(row.vcpus), 0),
      });
    }
    const monthly = await all(
      `/api/v1/chargeback/totals?granularity=monthly&from=${MONTH}-01&to=${MONTH}-01`,
    );
    const summary = rowsOf(book.getWorksheet('Summary')!, 2, 3);
    expect(summary.map((row) => [row.vCenter, row.VMs, row.Cost])).toEqual(
      monthly.map((row) => [row.vcenterName, row.vms, Number(row.cost)]),
    );

    // Native chart parts, wired to the summary sheet.
    const zip = await JSZip.loadAsync(await (await download(name)).arrayBuffer());
    const parts = Object.keys(zip.files);
    expect(parts).toEqual(
      expect.arrayContaining([
        'xl/charts/chart1_1.xml',
        'xl/charts/chart1_2.xml',
        'xl/drawings/drawing1.xml',
      ]),
    );
    expect(await zip.file('xl/worksheets/sheet1.xml')!.async('string')).toContain(
      '<drawing r:id="rIdVccDrawing1"/>',
    );
    const line = await zip.file('xl/charts/chart1_1.xml')!.async('string');
    expect(line).toContain('<c:lineChart>');
    expect(line).toContain(`<c:f>&apos;Daily Totals&apos;!$B$2:$B$4</c:f>`);
    expect(await zip.file('[Content_Types].xml')!.async('string')).toContain('/xl/charts/chart1_2.xml');
  });

  it('opens in LibreOffice: CSV numbers equal the API, and the Summary page shows the charts', async () => {
    const name = `chargeback-monthly-${MONTH}.xlsx`;
    const file = join(scratch, name);
    await writeFile(file, Buffer.from(await (await download(name)).arrayBuffer()));
    const soffice = (...args: string[]): Promise<unknown> =>
      run(
        'soffice',
        [`-env:UserInstallation=file://${scratch}/profile`, '--headless', ...args, '--outdir', scratch, file],
        { timeout: 120_000 },
      );
    // Every sheet (the last option, -1), numbers as stored rather than as shown (the ninth).
    await soffice(
      '--convert-to',
      'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
    );
    const base = name.replace(/\.xlsx$/, '');
    const csv = parse(await readFile(join(scratch, `${base}-Summary.csv`)), {
      relax_column_count: true,
    }) as string[][];
    const monthly = await all(
      `/api/v1/chargeback/totals?granularity=monthly&from=${MONTH}-01&to=${MONTH}-01`,
    );
    const header = csv[0];
    for (const total of monthly) {
      const line = csv.find((row) => row[0] === total.vcenterName)!;
      expect(Number(line[header.indexOf('VMs')])).toBe(total.vms);
      expect(Number(line[header.indexOf('vCPU')])).toBeCloseTo(Number(total.vcpus), 9);
      expect(Number(line[header.indexOf('RAM (GB)')])).toBeCloseTo(Number(total.ramGb), 9);
      expect(Number(line[header.indexOf('Cost')])).toBeCloseTo(Number(total.cost), 4);
    }
    const vmsCsv = parse(await readFile(join(scratch, `${base}-VMs.csv`)), { columns: true }) as Row[];
    const monthlyRows = await all(`/api/v1/chargeback/monthly?month=${MONTH}`);
    expect(vmsCsv).toHaveLength(monthlyRows.length);
    for (const row of monthlyRows) {
      const line = vmsCsv.find((vm) => vm.vCenter === row.vcenterName && vm.moref === row.moref)!;
      expect(Number(line['avgVcpuCount (vCPU)'])).toBeCloseTo(Number(row.avgVcpuCount), 9);
      expect(Number(line.cost)).toBeCloseTo(Number(row.cost), 4);
    }

    await soffice('--convert-to', 'pdf');
    await run('pdftoppm', [
      '-f',
      '1',
      '-l',
      '1',
      '-r',
      '50',
      join(scratch, `${base}.pdf`),
      join(scratch, 'page'),
    ]);
    const page = (await readdir(scratch)).find((entry) => /^page-0*1\.ppm$/.test(entry))!;
    const image = parsePpm(await readFile(join(scratch, page)));
    // The charts stand below the tables (about 12 rows, a fifth of the page), one above the other:
    // a page without them would be white there, or grey text at most.
    const region = pixels(image, 0.2, 0.95);
    const nonWhite = region.filter(([r, g, b]) => r < 240 || g < 240 || b < 240).length;
    const coloured = region.filter(([r, g, b]) => Math.max(r, g, b) - Math.min(r, g, b) > 60);
    expect(nonWhite / region.length).toBeGreaterThan(0.02);
    expect(new Set(coloured.map((pixel) => pixel.join())).size).toBeGreaterThan(2);
    // The series' colours: blue VMs and orange vCPU lines, green pool bars.
    const near = (target: number[]): boolean =>
      coloured.some((pixel) => pixel.every((value, index) => Math.abs(value - target[index]) < 40));
    expect([near([0x2f, 0x6e, 0xba]), near([0xe0, 0x7b, 0x00]), near([0x3a, 0x9a, 0x4a])]).toEqual([
      true,
      true,
      true,
    ]);
  }, 180_000);

  it('writes a report on demand for one vCenter (admin), refuses bad requests with 4xx', async () => {
    const reply = await api.post('/api/v1/reports', { type: 'daily', period: D2, vcenter: 'vc-b' });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ type: 'report', period: D2, vcenterId: VC_B, state: 'queued' });
    expect(await jobEnd(api, reply.body.id)).toMatchObject({ state: 'succeeded', rows: 1 });
    const name = `chargeback-daily-${D2}-${VC_B}.xlsx`;
    const listed = await api.get(`/api/v1/reports?period=${D2}`, 'reader');
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ name, vcenterId: VC_B, vcenterName: 'vc-b' }),
    );
    const response = await download(name);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    expect(rowsOf(book.getWorksheet('VMs')!).map((row) => row.name)).toEqual(['b-1']);

    const empty = await api.post('/api/v1/reports', { type: 'monthly', period: '2020-01' });
    expect(await jobEnd(api, empty.body.id)).toMatchObject({
      state: 'failed',
      error: 'no monthly totals for 2020-01: aggregate the period first',
    });

    const bad: [unknown, string][] = [
      [{ type: 'daily', period: MONTH }, 'period'],
      [{ type: 'monthly', period: D1 }, 'period'],
      [{ type: 'weekly', period: D1 }, 'type'],
      [{ type: 'daily', period: '2026-02-30' }, 'period'],
      [{ type: 'daily', period: D1, extra: 1 }, 'extra'],
      [{ type: 'daily', period: D1, vcenter: 'nope' }, 'vcenter'],
    ];
    for (const [body, field] of bad) {
      const answer = await api.post('/api/v1/reports', body);
      expect([answer.status, JSON.stringify(answer.body)]).toEqual([400, expect.stringContaining(field)]);
    }
    expect((await api.post('/api/v1/reports', { type: 'daily', period: D1 }, 'reader')).status).toBe(403);
    expect((await download(name, TOKENS.collector)).status).toBe(403);
  });

  it('never serves a file outside reports.dir', async () => {
    // A file beside the folder, named like a report, that a traversal would reach.
    const outside = join(dir, '..', `chargeback-daily-${D1}.xlsx`);
    await writeFile(outside, 'secret');
    try {
      for (const attempt of [
        `..%2Fchargeback-daily-${D1}.xlsx`,
        `..%2F..%2F..%2Fetc%2Fpasswd`,
        `%2Fetc%2Fpasswd`,
        encodeURIComponent(outside),
        `chargeback-daily-${D1}.xlsx%00`,
        `chargeback-daily-${D1}.xlsx%00.txt`,
        `%2e%2e%2fchargeback-daily-${D1}.xlsx`,
        `chargeback-daily-${D1}.xlsx%2F..%2F..%2Fchargeback-daily-${D1}.xlsx`,
      ]) {
        const response = await download(attempt);
        const body = await response.text();
        expect([attempt, [400, 404].includes(response.status), body.includes('secret')]).toEqual([
          attempt,
          true,
          false,
        ]);
      }
      expect((await download('chargeback-daily-2000-01-01.xlsx')).status).toBe(404);
    } finally {
      await rm(outside, { force: true });
    }
  });

  it('keeps reports.keep reports and none older than reports.maxAgeDays', async () => {
    const names = async (): Promise<string[]> =>
      (await api.get<{ items: Row[] }>('/api/v1/reports', 'reader')).body.items.map((report) =>
        String(report.name),
      );
    // Age: a report written 31 days ago goes at the next retention job.
    const old = `chargeback-daily-${MONTH}-01.xlsx`;
    await copyFile(join(dir, `chargeback-daily-${D1}.xlsx`), join(dir, old));
    const monthAgo = new Date(Date.now() - 31 * 86_400_000);
    await utimes(join(dir, old), monthAgo, monthAgo);
    expect(await names()).toContain(old);
    const retention = await api.post('/api/v1/retention');
    expect(await jobEnd(api, retention.body.id)).toMatchObject({ state: 'succeeded' });
    expect(await names()).not.toContain(old);

    // Count: five reports now; with two more, the oldest goes (keep 6).
    const before = await names();
    expect(before).toHaveLength(5);
    const oldest = join(dir, `chargeback-daily-${MONTH}-12.xlsx`);
    const dayAgo = new Date(Date.now() - 86_400_000);
    await utimes(oldest, dayAgo, dayAgo);
    for (const period of [D1, D2]) {
      const reply = await api.post('/api/v1/reports', { type: 'daily', period, vcenter: 'vc-a' });
      expect(await jobEnd(api, reply.body.id)).toMatchObject({ state: 'succeeded' });
    }
    const after = await names();
    expect(after).toHaveLength(6);
    expect(after).not.toContain(`chargeback-daily-${MONTH}-12.xlsx`);
    expect(after).toContain(`chargeback-daily-${D2}-${VC_A}.xlsx`);
    expect((await readdir(dir)).filter((entry) => entry.endsWith('.tmp'))).toEqual([]);

    const metrics = await fetch(`${aggregator.url}/metrics`);
    expect(await metrics.text()).toMatch(/^vcc_aggregator_reports_available 6$/m);
  });
});

interface Image {
  width: number;
  height: number;
  data: Buffer;
}

/** A binary PPM (P6, 8 bits), as pdftoppm writes it. */
function parsePpm(file: Buffer): Image {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(file.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PPM with 8-bit samples');
  return { width: Number(header[1]), height: Number(header[2]), data: file.subarray(header[0].length) };
}

/** RGB pixels of the rows between fractions `from` and `to` of the image's height. */
function pixels(image: Image, from: number, to: number): [number, number, number][] {
  const result: [number, number, number][] = [];
  for (let y = Math.floor(image.height * from); y < Math.floor(image.height * to); y++)
    for (let x = 0; x < image.width; x++) {
      const offset = (y * image.width + x) * 3;
      result.push([image.data[offset], image.data[offset + 1], image.data[offset + 2]]);
    }
  return result;
}
