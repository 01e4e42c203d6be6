import type { EntityKind } from '../inventory.types';
import type { EntityTags } from '../line-protocol';
import { isTransient, vimErrorFrom } from '../soap/vim-fault.error';
import type { VsphereClient } from '../vsphere-client';
import type { CounterField } from './query-perf.parser';
import type { QueryPerfTask, QueryPerfTaskResult } from './query-perf.worker';

/** One QueryPerf request of a cycle: the body with this cycle's windows, and what its answer is parsed with. */
export interface QueryPerfRequest {
  body: Uint8Array;
  entities: { moref: string; kind: EntityKind; tags: EntityTags }[];
  fields: Partial<Record<EntityKind, Map<number, CounterField>>>;
}

/** Runs a hot-path task: a piscina pool, or `runQueryPerfTask` on the calling thread. */
export type QueryPerfRunner = (task: QueryPerfTask) => Promise<QueryPerfTaskResult>;

export interface QueryPerfExecutorOptions {
  /** Wait before the first retry of a transient error; it doubles with each retry up to `maxRetryDelayMs`. */
  firstRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  observer?: {
    /** Every attempt, with its duration and its typed error if it failed. */
    attempt?(seconds: number, error?: Error): void;
    /** A transient error, retried after `delayMs`. */
    retry?(error: Error, delayMs: number): void;
  };
  /** For tests: the clock, the draw for jitter, and the wait. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs QueryPerf requests of one session through a runner (the worker pool) and owns what can go
 * wrong on the way: an error comes back from the worker as data and is rebuilt typed; a transient
 * one (timeout, reset, HTTP 5xx, SystemError) is retried with jittered, doubling waits while the
 * deadline allows; NotAuthenticated logs in again once per request, through the session's
 * `withRelogin`. The first attempt has the session's full timeout (a cycle that runs late still
 * gets its answers); no retry runs past the deadline.
 */
export class QueryPerfExecutor {
  private readonly firstRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Pick<VsphereClient, 'session' | 'queryPerfTask'>,
    private readonly run: QueryPerfRunner,
    private readonly options: QueryPerfExecutorOptions = {},
  ) {
    this.firstRetryDelayMs = options.firstRetryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The parsed answer; throws the last attempt's typed error when the request could not be served by `deadline` (epoch ms). */
  execute(request: QueryPerfRequest, deadline: number): Promise<QueryPerfTaskResult> {
    return this.client.session.withRelogin(() => this.withRetries(request, deadline));
  }

  private async withRetries(request: QueryPerfRequest, deadline: number): Promise<QueryPerfTaskResult> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(request, retry > 0 ? deadline : undefined);
      } catch (error) {
        // Half the wait is fixed, half drawn: collectors that failed together do not retry together.
        const delayMs = Math.round(
          Math.min(this.firstRetryDelayMs * 2 ** retry, this.maxRetryDelayMs) * (0.5 + this.random() / 2),
        );
        if (!isTransient(error) || this.now() + delayMs >= deadline) throw error;
        this.options.observer?.retry?.(error as Error, delayMs);
        await this.sleep(delayMs);
      }
    }
  }

  /** One attempt; a retry's timeout is cut to what is left before the deadline. */
  private async attempt(request: QueryPerfRequest, deadline?: number): Promise<QueryPerfTaskResult> {
    // Built per attempt: after a re-login the task must carry the new session cookie.
    const task = this.client.queryPerfTask(request.body, request.entities, request.fields);
    if (deadline !== undefined) task.timeoutMs = Math.max(1, Math.min(task.timeoutMs, deadline - this.now()));
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    let result: QueryPerfTaskResult;
    try {
      result = await this.run(task);
    } catch (error) {
      this.options.observer?.attempt?.(seconds(), error as Error);
      throw error;
    }
    const error = result.error && vimErrorFrom(result.error);
    this.options.observer?.attempt?.(seconds(), error);
    if (error) throw error;
    return result;
  }
}
