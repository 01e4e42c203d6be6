import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../simulator/simulator';
import { parseLogLines, runApp, type RunningApp } from '../support/apps';
import { checkLines } from '../support/line-protocol';
import { startInfluxDb, type TimeSeriesServer } from '../support/time-series';

interface OnceSummary {
  lines: number;
  linesWritten: Record<string, number>;
  failedRequests: number;
  ok: boolean;
}

function summaryOf(stdout: string): OnceSummary {
  const line = stdout.split('\n').find((l) => l.startsWith('{"vcenter"'));
  if (!line) throw new Error(`no --once summary in:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as OnceSummary;
}

async function influxQuery(server: TimeSeriesServer, q: string): Promise<unknown> {
  const response = await fetch(`${server.url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' });
  return response.json();
}

/** InfluxDB's own count of the points its /write accepted and refused since it started. */
async function influxWrites(server: TimeSeriesServer): Promise<{ ok: number; failed: number }> {
  const stats = (await influxQuery(server, "SHOW STATS FOR 'httpd'")) as {
    results: { series: { columns: string[]; values: number[][] }[] }[];
  };
  const { columns, values } = stats.results[0].series[0];
  const value = (name: string): number => values[0][columns.indexOf(name)];
  return { ok: value('pointsWrittenOK'), failed: value('pointsWrittenFail') + value('pointsWrittenDropped') };
}

// 200 VMs and 8 hosts, 300 s of 20 s samples: about 40,000 lines in batches of 5,000 lines (over
// 1 MB, which Node appends in 512 KiB chunks), and a write buffer of 1,000 lines that the first
// answer already overflows, so that InfluxDB is the slow sink --once has to wait for.
describe('collector --once against the simulator, writing to a file and to InfluxDB 1.6', () => {
  jest.setTimeout(5 * 60_000);
  let simulator: RunningApp;
  let influx: TimeSeriesServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vcc-once-'));
    [simulator, influx] = await Promise.all([
      startSimulator({ VCC_HTTP_TLS_SELF_SIGNED: 'true' }),
      startInfluxDb(),
    ]);
    await influxQuery(influx, 'CREATE DATABASE vcc');
    await influxQuery(influx, 'CREATE DATABASE file_check');
  });
  afterAll(async () => {
    await simulator?.stop();
    await influx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const once = (sinks: unknown[], output?: string): ReturnType<typeof runApp> =>
    runApp('collector', ['--once', '--insecure', ...(output ? ['--output', output] : [])], {
      VCC_ONCE_URL: `${simulator.url}/sdk`,
      VCC_ONCE_USERNAME: 'user',
      VCC_ONCE_PASSWORD: 'pass',
      VCC_ONCE_WINDOW_SECONDS: '300',
      VCC_PERF_THREADS: '1',
      VCC_WRITE_MAX_BUFFERED_LINES: '1000',
      VCC_SINKS: JSON.stringify(sinks),
    });

  it('waits for the slow sink instead of failing, and every line it wrote parses strictly in the file and in InfluxDB', async () => {
    const file = join(dir, 'once.lp');
    const result = await once([{ type: 'influxdb-v1', url: influx.url, database: 'vcc' }], file);

    const summary = summaryOf(result.stdout);
    expect({ code: result.code, ok: summary.ok, failedRequests: summary.failedRequests }).toEqual({
      code: 0,
      ok: true,
      failedRequests: 0,
    });
    expect(summary.lines).toBeGreaterThan(30_000);
    expect(Object.values(summary.linesWritten)).toEqual([summary.lines, summary.lines]);

    const text = readFileSync(file, 'utf8');
    const checked = checkLines(text);
    const sinkWrites = await influxWrites(influx);
    // InfluxDB 1.6 is the second strict reader: its /write refuses the whole request on a bad line.
    const posted = await fetch(`${influx.url}/write?db=file_check&precision=s`, {
      method: 'POST',
      body: text,
    });
    const afterFile = await influxWrites(influx);
    console.log(
      `--once wrote ${summary.lines} lines: the file's ${checked.lines} lines parsed strictly with ${checked.rejected} rejects; InfluxDB accepted ${sinkWrites.ok} points from the sink (${sinkWrites.failed} refused) and ${afterFile.ok - sinkWrites.ok} of the file's lines (HTTP ${posted.status}, ${afterFile.failed - sinkWrites.failed} refused)`,
    );
    expect(checked).toEqual({ lines: summary.lines, rejects: [], rejected: 0 });
    expect(sinkWrites).toEqual({ ok: summary.lines, failed: 0 });
    expect(posted.status).toBe(204);
    expect(afterFile).toEqual({ ok: 2 * summary.lines, failed: 0 });
  });

  it('fails naming the sink and its error when a sink refuses the lines, and counts none as written', async () => {
    const result = await once([{ type: 'influxdb-v1', url: influx.url, database: 'no_such_database' }]);

    const summary = summaryOf(result.stdout);
    expect(result.code).toBe(1);
    expect(summary.ok).toBe(false);
    expect(Object.values(summary.linesWritten)).toEqual([0]);
    const errors = parseLogLines(result.stdout).filter((l) => l.level === 'error');
    expect(errors.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^influxdb-v1 .*no_such_database refused \d+ lines, dropped: HTTP 404 .*database not found/,
        ),
        expect.stringMatching(/^influxdb-v1 .*no_such_database wrote 0 of \d+ lines$/),
      ]),
    );
  });
});
