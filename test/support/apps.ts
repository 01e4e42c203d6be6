import { resolve } from 'node:path';
import { runProcess, startProcess, type RunningProcess } from './processes';
import { ROOT } from './root';

export type AppName = 'controller' | 'collector' | 'aggregator' | 'simulator';

export function appMain(app: AppName): string {
  return resolve(ROOT, 'dist/apps', app, 'main.js');
}

export interface RunningApp {
  url: string;
  process: RunningProcess;
  /** Parsed JSON log lines written so far. */
  logs(): Record<string, unknown>[];
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts a built app on a free port (HTTP port 0) and waits for its "listening" log line. */
export async function startApp(
  app: AppName,
  options: { env?: Record<string, string | undefined>; args?: string[]; cwd?: string } = {},
): Promise<RunningApp> {
  const { process, match } = await startProcess('node', [appMain(app), ...(options.args ?? [])], {
    name: app,
    cwd: options.cwd ?? ROOT,
    env: { VCC_HTTP_PORT: '0', VCC_CONFIG: undefined, ...options.env },
    ready: /listening on (https?:\/\/[\d.]+:\d+)/,
    timeoutMs: 90_000,
  });
  return {
    url: match[1],
    process,
    logs: () => parseLogLines(process.output()),
    stop: (graceMs = 25_000) => process.stop(graceMs),
  };
}

/** Runs an app to completion (a command, --help, or a start that must fail). */
export function runApp(
  app: AppName,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProcess('node', [appMain(app), ...args], { cwd: ROOT, env: { VCC_CONFIG: undefined, ...env } });
}

export function parseLogLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
