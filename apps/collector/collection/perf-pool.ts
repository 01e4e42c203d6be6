import { availableParallelism } from 'node:os';
import Piscina from 'piscina';
import { QUERY_PERF_WORKER_FILE, type QueryPerfTask, type QueryPerfTaskResult } from '@vcc/vsphere';

/**
 * The piscina pool that runs the QueryPerf hot path: each task posts one prepared request and
 * stream-parses the answer to line protocol inside a worker thread, so parsing never blocks the
 * event loop that heartbeats and serves /health. Created on first use, closed at shutdown.
 */
export class PerfPool {
  private pool?: Piscina;

  constructor(private readonly threads: number) {}

  async run(task: QueryPerfTask): Promise<QueryPerfTaskResult> {
    this.pool ??= new Piscina({
      filename: QUERY_PERF_WORKER_FILE,
      minThreads: this.size,
      maxThreads: this.size,
      idleTimeout: 60_000,
      // Tasks wait on the network most of their time: let a worker parse one answer while others
      // are on the wire. The collector's request budget bounds what is really in flight.
      concurrentTasksPerWorker: 8,
    });
    const result = (await this.pool.run(task)) as QueryPerfTaskResult & { lines: Uint8Array };
    // The worker transfers its Buffer's memory, which arrives as a Uint8Array; view it as a Buffer again.
    return {
      ...result,
      lines: Buffer.from(result.lines.buffer, result.lines.byteOffset, result.lines.byteLength),
    };
  }

  get size(): number {
    return this.threads > 0 ? this.threads : availableParallelism();
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
