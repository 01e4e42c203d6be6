import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningApp } from '../support/apps';
import { ROOT } from '../support/root';
import type { TestDatabase } from '../support/postgres';
import { client, startController, TOKENS, type ControllerClient } from '../controller/controller-harness';
import { jobEnd, startAggregator } from './aggregator-harness';
import { addSnapshots, addVcenter, addVm, chargebackDatabase, hoursOf } from './chargeback-fixtures';

const VC = 'cccccccc-0000-4000-8000-000000000001';
const DAY_MS = 86_400_000;
const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);
// Three whole days before today (the aggregator's time zone is UTC).
const DAYS = [3, 2, 1].map((back) => isoDay(Date.now() - back * DAY_MS));
const XSS = '<script>alert(1)</script>';

const VMS = [
  { moref: 'vm-1', name: 'web-1', cluster_name: 'c1', resource_pool_name: 'Gold', vcpus: 4, memory_mb: 8192 },
  { moref: 'vm-2', name: XSS, cluster_name: 'c1', resource_pool_name: 'Silver', vcpus: 2, memory_mb: 4096 },
  { moref: 'vm-3', name: 'bulk-3', cluster_name: 'c2', resource_pool_name: 'Tin', vcpus: 1, memory_mb: 2048 },
  { moref: 'vm-4', name: 'bulk-4', cluster_name: 'c2', resource_pool_name: 'Tin', vcpus: 1, memory_mb: 2048 },
];

const SCREENSHOTS = join(ROOT, 'test-artifacts/pages');
const CSP =
  "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Pixels of the page's chart canvas that are not transparent: 0 for a chart never drawn. */
async function chartInk(page: Page): Promise<number> {
  await page.waitForSelector('canvas#chart');
  // A string, run in the page: the tests are compiled without the DOM's types.
  return page.evaluate<number>(`(() => {
    const canvas = document.getElementById('chart');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] > 0) ink++;
    return ink;
  })()`);
}

/** Body rows of the page's (first) table, as the text of their cells. */
async function tableRows(page: Page): Promise<string[][]> {
  return page.$$eval('main table tbody tr', (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent!.trim())),
  );
}

describe('aggregator pages in a browser', () => {
  let database: TestDatabase;
  let db: Client;
  let controller: RunningApp;
  let aggregator: RunningApp;
  let api: ControllerClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ({ database, client: db } = await chargebackDatabase([...new Set(DAYS.map((day) => day.slice(0, 7)))]));
    await addVcenter(db, VC, 'vc-pages');
    for (const [index, day] of DAYS.entries()) {
      await addSnapshots(db, VC, hoursOf(day));
      // web-1 grows by 2 vCPU a day, so that the charts have a slope.
      for (const vm of VMS)
        await addVm(db, VC, hoursOf(day), vm.moref === 'vm-1' ? { ...vm, vcpus: vm.vcpus + 2 * index } : vm);
    }
    // A long heartbeat interval keeps the registered collector's lease alive through the test.
    controller = await startController(database.url, { VCC_MEMBERSHIP_HEARTBEAT_INTERVAL_SECONDS: '60' });
    const registered = await client(controller.url).post(
      '/api/v1/collectors/register',
      { name: 'collector-pages', version: '1' },
      'collector',
    );
    expect(registered.status).toBe(201);
    aggregator = await startAggregator(database.url, {
      VCC_SCHEDULE_ENABLED: 'false',
      VCC_PAGES_CONTROLLER_URL: controller.url,
      VCC_PAGES_CONTROLLER_TOKEN: TOKENS.reader,
    });
    api = client(aggregator.url);
    for (const day of DAYS) {
      const job = await api.post<{ id: string }>('/api/v1/aggregations', { type: 'daily', date: day });
      expect((await jobEnd(api, job.body.id)).state).toBe('succeeded');
    }
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // A script blocked by the CSP, or one that throws, shows here.
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    expect(await aggregator?.stop()).toBe(0);
    expect(await controller?.stop()).toBe(0);
    await db?.end();
    await database?.drop();
  });

  it('sends a request without credentials to the login form, refuses bad and collector tokens, and sets the CSP', async () => {
    // Every body is read: one left unread (Chart.js is 200 kB) would hold its connection, and the
    // aggregator's shutdown with it.
    const request = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${aggregator.url}${path}`, { redirect: 'manual', ...init });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const anonymous = await request('/pages/totals?granularity=hourly');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(
      '/pages/login?next=%2Fpages%2Ftotals%3Fgranularity%3Dhourly',
    );
    const bearer = (token: string) =>
      request('/pages/totals', { headers: { authorization: `Bearer ${token}` } });
    const bad = await bearer(`${TOKENS.reader}x`);
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
    expect((await bearer(TOKENS.collector)).status).toBe(403);
    const reader = await bearer(TOKENS.reader);
    expect(reader.status).toBe(200);
    expect(reader.headers.get('content-security-policy')).toBe(CSP);
    expect(reader.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // No inline script anywhere: every <script> either loads a file or holds JSON data.
    const scripts = [...reader.text.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts)
      expect(attributes).toMatch(/src="\/pages\/assets\/|type="application\/json"/);
    expect(reader.text).not.toMatch(/style="/);
    const chartJs = await request('/pages/assets/chart.umd.js');
    expect(chartJs.status).toBe(200);
    expect(chartJs.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await request('/pages/assets/..%2Fpages.controller.js')).status).toBe(404);
    // The login form's target must be a page of this app.
    const away = await request('/pages/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKENS.reader, next: '//evil.example.com/' }).toString(),
    });
    expect(away.status).toBe(400);
    expect(away.text).toContain('next must be a path under /pages');
  });

  it('logs in with a token into an HttpOnly, SameSite=Strict session and shows the daily totals with a chart', async () => {
    await page.goto(`${aggregator.url}/pages/totals`);
    expect(new URL(page.url()).pathname).toBe('/pages/login');
    await page.fill('#token', TOKENS.reader);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/pages\/totals$/);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'vcc_session', httpOnly: true, sameSite: 'Strict', path: '/pages' });
    expect(cookie.value).not.toContain(TOKENS.reader);
    expect(await page.textContent('h1')).toBe('vCenter totals, daily');
    expect(await page.textContent('header')).toContain('e2e-reader (reader)');
    const rows = await tableRows(page);
    expect(rows.map((row) => row.slice(0, 4))).toEqual([
      [DAYS[0], 'vc-pages', '4', '8'],
      [DAYS[1], 'vc-pages', '4', '10'],
      [DAYS[2], 'vc-pages', '4', '12'],
    ]);
    expect(await chartInk(page)).toBeGreaterThan(500);
    await shot('totals-daily');
  });

  it('filters the totals by vCenter and dates, and draws the hourly totals', async () => {
    await page.fill('input[name=from]', DAYS[1]);
    await page.fill('input[name=to]', DAYS[1]);
    await page.selectOption('select[name=vcenter]', VC);
    await page.click('form.filters button');
    await page.waitForURL(/from=/);
    expect(new URL(page.url()).searchParams.get('vcenter')).toBe(VC);
    expect((await tableRows(page)).map((row) => row[0])).toEqual([DAYS[1]]);

    await page.click('nav >> text=Totals, hourly');
    await page.fill('input[name=from]', DAYS[0]);
    await page.fill('input[name=to]', DAYS[2]);
    await page.click('form.filters button');
    await page.waitForURL(/granularity=hourly.*from=/);
    const hours = await tableRows(page);
    expect(hours).toHaveLength(72);
    expect(hours[0].slice(0, 4)).toEqual([`${DAYS[0]} 00:00`, 'vc-pages', '4', '8']);
    expect(await chartInk(page)).toBeGreaterThan(500);
    await shot('totals-hourly');
  });

  it('opens the rows behind a totals number, and filters the daily summary by pool and name', async () => {
    await page.goto(`${aggregator.url}/pages/totals?from=${DAYS[2]}&to=${DAYS[2]}`);
    // The Gold VMs cell of the day: the daily summary of that day and vCenter, gold pool only.
    await page.click('main table tbody tr >> nth=0 >> td >> nth=9 >> a');
    await page.waitForURL(/\/pages\/daily\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ day: DAYS[2], vcenter: VC, pool: 'gold' });
    expect((await tableRows(page)).map((row) => row.slice(0, 5))).toEqual([
      ['web-1', 'vc-pages', 'c1', 'tenant-a/prod', 'gold'],
    ]);

    await page.selectOption('select[name=pool]', '');
    await page.fill('input[name=name]', 'BULK');
    await page.click('form.filters button');
    await page.waitForURL(/name=BULK/);
    expect((await tableRows(page)).map((row) => row[0])).toEqual(['bulk-3', 'bulk-4']);
    await shot('daily');
  });

  it('searches a VM by name and shows its trace, a name with <script> as text', async () => {
    await page.click('nav >> text=VM trace');
    await page.fill('input[name=name]', 'bulk');
    await page.click('form.filters button');
    await page.waitForURL(/name=bulk/);
    expect(await page.$$eval('ul.matches a', (links) => links.map((link) => link.textContent))).toEqual([
      'bulk-3',
      'bulk-4',
    ]);

    await page.fill('input[name=name]', 'script');
    await page.fill('input[name=from]', DAYS[0]);
    await page.fill('input[name=to]', DAYS[2]);
    await page.click('form.filters button');
    await page.waitForURL(/name=script/);
    expect(await page.textContent('h1')).toBe(`VM trace: ${XSS}`);
    const rows = await tableRows(page);
    expect(rows.map((row) => [row[0], row[5]])).toEqual(DAYS.map((day) => [day, '2']));
    expect(await chartInk(page)).toBeGreaterThan(500);
    await shot('vm-daily');

    await page.selectOption('select[name=view]', 'hourly');
    await page.click('form.filters button');
    await page.waitForURL(/view=hourly/);
    expect(await tableRows(page)).toHaveLength(72);
    expect(await chartInk(page)).toBeGreaterThan(500);
    await shot('vm-hourly');

    // The same name in the daily summary, and web-1's trace, linked from there, with its slope.
    await page.goto(`${aggregator.url}/pages/daily?day=${DAYS[2]}`);
    expect(await page.textContent('main table tbody')).toContain(XSS);
    await page.click('text=web-1');
    await page.waitForURL(/moref=vm-1/);
    expect((await tableRows(page)).map((row) => row[5])).toContain('8');
    expect(dialogs).toEqual([]);
  });

  it('shows the cluster from the controller, with lease ages and a chart', async () => {
    await page.click('nav >> text=Cluster');
    await page.waitForURL(/\/pages\/cluster$/);
    expect(await page.textContent('main h2')).toBe('vc-pages');
    const [member] = await tableRows(page);
    expect(member.slice(0, 5)).toEqual(['collector-pages', '1', 'active', '1', '0']);
    expect(Number(member[5])).toBeGreaterThanOrEqual(0);
    expect(await chartInk(page)).toBeGreaterThan(100);
    await shot('cluster');
  });

  it('lists the reports and downloads one through the session, never without it', async () => {
    const day = DAYS[DAYS.length - 1];
    const queued = await api.post<{ id: string }>('/api/v1/reports', { type: 'daily', period: day });
    expect(queued.status).toBe(202);
    expect((await jobEnd(api, queued.body.id)).state).toBe('succeeded');
    const name = `chargeback-daily-${day}.xlsx`;
    await page.click('nav >> text=Reports');
    await page.waitForURL(/\/pages\/reports$/);
    const [row] = await tableRows(page);
    expect(row.slice(0, 4)).toEqual([name, 'daily', day, 'all vCenters']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`text=${name}`)]);
    expect(download.suggestedFilename()).toBe(name);
    const path = await download.path();
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK'); // a zip: the XLSX package
    await shot('reports');
    const anonymous = await fetch(`${aggregator.url}/pages/reports/${name}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    await anonymous.arrayBuffer();
    const traversal = await fetch(`${aggregator.url}/pages/reports/..%2F..%2Fetc%2Fpasswd`, {
      headers: { authorization: `Bearer ${TOKENS.reader}` },
    });
    expect(traversal.status).toBe(400);
    await traversal.arrayBuffer();
  });

  it('logs out: the session is gone and pages lead to the login form again', async () => {
    await page.click('header button');
    await page.waitForURL(/\/pages\/login$/);
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${aggregator.url}/pages/daily`);
    expect(new URL(page.url()).pathname).toBe('/pages/login');
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
