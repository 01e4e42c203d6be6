import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitFor, type RunningProcess } from './processes';

export interface TimeSeriesServer {
  url: string;
  process: RunningProcess;
  /** Stops the server but keeps its data and port, as an outage would. */
  pause(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

async function serve(
  name: string,
  command: string,
  healthPath: string,
  args: (dir: string, port: number) => string[],
  setup?: (dir: string, port: number) => void,
): Promise<TimeSeriesServer> {
  const dir = mkdtempSync(join(tmpdir(), `vcc-${name}-`));
  const port = await freePort();
  setup?.(dir, port);
  const url = `http://127.0.0.1:${port}`;
  const launch = async (): Promise<RunningProcess> => {
    const { process } = await startProcess(command, args(dir, port), { name });
    await waitFor(
      `${name} on ${url}`,
      async () => {
        if (process.child.exitCode !== null) throw new Error(`${name} exited:\n${process.output()}`);
        return (await fetch(`${url}${healthPath}`)).ok ? true : undefined;
      },
      30_000,
    );
    return process;
  };
  const server: TimeSeriesServer = {
    url,
    process: await launch(),
    async pause() {
      await server.process.stop();
    },
    async resume() {
      server.process = await launch();
    },
    async stop() {
      await server.process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * InfluxDB 1.6 (Debian `influxdb`) from a temp directory on free loopback ports; it speaks the v1
 * `/write` and `/query` API.
 */
export async function startInfluxDb(): Promise<TimeSeriesServer> {
  // influxd also binds a backup/restore RPC port, which must be free as well.
  const rpcPort = await freePort();
  return serve(
    'influxdb',
    '/usr/bin/influxd',
    '/ping',
    (dir) => ['-config', join(dir, 'influxdb.conf')],
    (dir, port) => {
      writeFileSync(
        join(dir, 'influxdb.conf'),
        [
          'reporting-disabled = true',
          `bind-address = "127.0.0.1:${rpcPort}"`,
          '[meta]',
          `  dir = "${dir}/meta"`,
          '[data]',
          `  dir = "${dir}/data"`,
          `  wal-dir = "${dir}/wal"`,
          '  query-log-enabled = false',
          '[http]',
          `  bind-address = "127.0.0.1:${port}"`,
          '  log-enabled = false',
          '[monitor]',
          '  store-enabled = false',
          '[continuous_queries]',
          '  enabled = false',
          '',
        ].join('\n'),
      );
    },
  );
}

/** VictoriaMetrics (Debian `victoria-metrics`), which accepts the InfluxDB v2 `/api/v2/write` API. */
export function startVictoriaMetrics(): Promise<TimeSeriesServer> {
  return serve('victoria-metrics', '/usr/bin/victoria-metrics', '/health', (dir, port) => [
    `-storageDataPath=${dir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-loggerLevel=ERROR',
  ]);
}
