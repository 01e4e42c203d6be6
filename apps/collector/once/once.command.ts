import type { CollectorConfig } from '@vcc/config';
import type { AppCommand, FlagValues } from '@vcc/platform';
import { DEFAULT_COUNTERS } from '@vcc/contract';
import type pino from 'pino';
import { createCollectionPipeline } from '../collection/collection.pipeline';
import type { CycleResult } from '../collection/perf-collector';
import type { Assignment } from '../controller/controller.types';

/** Problems with the --once settings, named by the key or flag that fixes them. */
export function onceProblems(config: CollectorConfig): string[] {
  const problems: string[] = [];
  if (!config.once.url)
    problems.push('once.url: --once needs the vCenter SDK URL (--vcenter or VCC_ONCE_URL)');
  if (!config.once.username)
    problems.push('once.username: --once needs a vCenter user (--username or VCC_ONCE_USERNAME)');
  if (config.once.password === undefined)
    problems.push(
      'once.password: --once needs the password (VCC_ONCE_PASSWORD_FILE, VCC_ONCE_PASSWORD or once.passwordFile)',
    );
  return problems;
}

/** Command-line values win over the config file for --once. */
export function applyOnceFlags(config: CollectorConfig, flags: FlagValues): void {
  if (typeof flags.vcenter === 'string') config.once.url = flags.vcenter;
  if (typeof flags.username === 'string') config.once.username = flags.username;
  if (flags.insecure === true) config.once.insecure = true;
  // The file takes the other sinks' schema: one for all (lines are written once).
  if (typeof flags.output === 'string')
    config.sinks.push({ type: 'file', path: flags.output, schema: config.sinks[0]?.schema ?? 'telegraf' });
}

/**
 * `--once`: one realtime and one historical cycle against one vCenter, without a controller (group 0
 * of 1), then a summary; exit 0 only if every query succeeded and every sink wrote every line
 * within once.deadlineSeconds. The way to try vcc against a vCenter.
 */
export const onceCommand: AppCommand<CollectorConfig> = {
  summary:
    'collect one cycle from the vCenter in once.* (or the flags) without a controller, print a summary, exit',
  async run(config, logger, flags) {
    applyOnceFlags(config, flags);
    const once = config.once;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const assignment: Assignment = {
      epoch: 0,
      effectiveFrom: new Date(0).toISOString(),
      groupIndices: [0],
      groupIndex: 0,
      groupCount: 1,
      paused: false,
      requestBudget: config.perf.maxInFlight,
      realtimeIntervalSeconds: once.windowSeconds,
      historicalIntervalSeconds: 300,
      watermarks: [],
      vcenter: {
        id: once.name,
        name: once.name,
        sdkUrl: once.url!,
        username: once.username!,
        password: once.password!,
        tls: { insecure: once.insecure, caFile: once.caFile ?? null },
        counters: {
          vm: once.vmCounters ?? [...DEFAULT_COUNTERS.vm],
          host: once.hostCounters ?? [...DEFAULT_COUNTERS.host],
          cluster: once.clusterCounters ?? [...DEFAULT_COUNTERS.cluster],
          datastore: once.datastoreCounters ?? [...DEFAULT_COUNTERS.datastore],
        },
        filters: { include: [], exclude: [] },
      },
    };
    const deadline = Date.now() + once.deadlineSeconds * 1000;
    const pipeline = createCollectionPipeline(config, {
      // One cycle: the inventory read at its start is the one it uses.
      inventoryTtlMs: Number.MAX_SAFE_INTEGER,
      writerObserver: {
        written: (sink, lines) => writtenBySink.set(sink, writtenBySink.get(sink)! + lines),
        failed: (sink, lines, error, retryIn, firstLine) =>
          retryIn === undefined
            ? logger.error(
                { context: 'Once' },
                `${sink} refused ${lines} lines, dropped: ${error.message}; first line: ${firstLine}`,
              )
            : logger.warn(
                { context: 'Once' },
                `${sink} failed for ${lines} lines, retrying in ${Math.round(retryIn / 1000)} s: ${error.message}`,
              ),
      },
    });
    const writer = pipeline.writer;
    const writtenBySink = new Map(writer.sinks.map((sink) => [sink.name, 0]));
    const results: CycleResult[] = [];
    let ok = true;
    try {
      const now = await pipeline.session(assignment.vcenter).now();
      for (const schedule of ['realtime', 'historical'] as const) {
        results.push(
          await pipeline.collect(schedule, Date.now(), assignment, {
            leaseTtlSeconds: 0,
            backfillFrom: now - once.windowSeconds,
            sinkDeadline: deadline,
            deadline,
          }),
        );
      }
      if (!(await writer.drain(Math.max(0, deadline - Date.now())))) {
        ok = false;
        logger.error(
          { context: 'Once' },
          `${writer.bufferedLines} lines not written within once.deadlineSeconds (${once.deadlineSeconds} s)`,
        );
      }
    } catch (error) {
      ok = false;
      logger.error({ context: 'Once' }, `collection failed: ${(error as Error).message}`);
    } finally {
      await pipeline.close(0);
    }
    const sum = (pick: (r: CycleResult) => number): number =>
      results.reduce((total, r) => total + pick(r), 0);
    const failed = sum((r) => r.failedRequests) + sum((r) => r.refusedRequests);
    if (failed > 0) ok = false;
    const queued = sum((r) => r.linesQueued);
    for (const [sink, written] of writtenBySink) {
      if (written === queued) continue;
      ok = false;
      logger.error({ context: 'Once' }, `${sink} wrote ${written} of ${queued} lines`);
    }
    const cpu = process.cpuUsage(cpuStarted);
    const summary = {
      vcenter: once.url,
      entities: sum((r) => r.entitiesAssigned),
      entitiesCollected: sum((r) => r.entitiesCollected),
      requests: sum((r) => r.requests),
      failedRequests: failed,
      points: sum((r) => r.points),
      lines: queued,
      linesWritten: Object.fromEntries(writtenBySink),
      seconds: Math.round(performance.now() - started) / 1000,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      sinks: config.sinks.map((s) => s.type),
      ok,
    };
    const written = [...writtenBySink].map(([sink, lines]) => `${lines} to ${sink}`).join(', ');
    process.stdout.write(
      `once: ${summary.entities} entities (${summary.entitiesCollected} with data), ${summary.requests} requests (${summary.failedRequests} failed), ${summary.points} points, ${queued} lines, written ${written || 'nowhere (no sinks)'} in ${summary.seconds} s${ok ? '' : ' — FAILED'}\n${JSON.stringify(summary)}\n`,
    );
    return ok ? 0 : 1;
  },
};

export type OnceLogger = pino.Logger;
