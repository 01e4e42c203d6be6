import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/apps';
import { TOKENS, type ControllerClient } from '../controller/controller-harness';

/** Where the aggregator on `databaseUrl` writes its reports: a folder of that test database's own. */
export function reportsDir(databaseUrl: string): string {
  return join(tmpdir(), `vcc-reports-${new URL(databaseUrl).pathname.slice(1)}`);
}

/**
 * Environment of an aggregator on `databaseUrl` with the e2e tokens (one per role). Reports go to
 * the database's own folder and only on demand, unless `extra` says otherwise: the suites that
 * count jobs count aggregations.
 */
export function aggregatorEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    VCC_DATABASE_URL: databaseUrl,
    VCC_AUTH_TOKENS: JSON.stringify(
      Object.entries(TOKENS).map(([role, token]) => ({ name: `e2e-${role}`, role, token })),
    ),
    VCC_REPORTS_DIR: reportsDir(databaseUrl),
    VCC_REPORTS_AFTER_JOBS: 'false',
    ...extra,
  };
}

export function startAggregator(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<RunningApp> {
  return startApp('aggregator', { env: aggregatorEnv(databaseUrl, extra) });
}

export interface JobBody {
  id: string;
  type: string;
  period: string;
  vcenterId: string | null;
  state: string;
  requestedBy: string;
  rows: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Polls a job through the API until it succeeded or failed. */
export async function jobEnd(api: ControllerClient, id: string, timeoutMs = 60_000): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api.get<JobBody>(`/api/v1/aggregations/${id}`, 'reader');
    expect(reply.status).toBe(200);
    if (reply.body.state === 'succeeded' || reply.body.state === 'failed') return reply.body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${reply.body.state} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Waits until `check` holds, polling. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The jobs in the table, oldest first. */
export async function jobRows(db: Client): Promise<Record<string, unknown>[]> {
  return (
    await db.query(
      `SELECT id::int AS id, type, period, vcenter_id, state, requested_by, rows::int AS rows, error,
              started_at, finished_at
         FROM aggregation_job ORDER BY id`,
    )
  ).rows;
}
