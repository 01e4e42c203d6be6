import { Agent as HttpAgent } from 'node:http';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { Agent as HttpsAgent } from 'node:https';
import type { EntityKind } from '../inventory.types';
import { vimErrorData, type VimErrorData } from '../soap/vim-fault.error';
import {
  QueryPerfParser,
  type CounterField,
  type EntityOutput,
  type QueryPerfParseResult,
} from './query-perf.parser';
import { postQueryPerf } from './query-perf.transport';

/** One QueryPerf request for a piscina worker: only plain, cloneable data. */
export interface QueryPerfTask {
  sdkUrl: string;
  insecure: boolean;
  /** PEM text of the CA, when vCenter's certificate is not publicly signed. */
  ca?: string;
  cookie: string;
  soapAction: string;
  timeoutMs: number;
  /** The request body, UTF-8. */
  body: Uint8Array;
  /**
   * The response, when the calling thread already fetched it (bench/collector measures both ways):
   * then the task only parses.
   */
  response?: Uint8Array;
  /** [moref, kind, tags] for every entity of the request. */
  entities: [string, EntityKind, string][];
  /** Per kind, [counterId, where its values go] for every counter asked for. */
  fields: Partial<Record<EntityKind, [number, CounterField][]>>;
}

export interface QueryPerfTaskResult extends QueryPerfParseResult {
  responseBytes: number;
  /**
   * A vSphere error (SOAP fault, timeout, transport) instead of data; returned, not thrown, so its
   * type survives the thread boundary. Rebuild it with `vimErrorFrom`.
   */
  error?: VimErrorData;
}

const agents = new Map<string, HttpAgent | HttpsAgent>();

function agentFor(task: QueryPerfTask): HttpAgent | HttpsAgent {
  const key = `${new URL(task.sdkUrl).origin}|${task.insecure}|${task.ca ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = task.sdkUrl.startsWith('https:')
      ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: !task.insecure, ca: task.ca })
      : new HttpAgent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

function entityOutputs(task: QueryPerfTask): Map<string, EntityOutput> {
  const fieldsByKind = new Map<EntityKind, Map<number, CounterField>>();
  for (const [kind, rows] of Object.entries(task.fields) as [EntityKind, [number, CounterField][]][]) {
    fieldsByKind.set(kind, new Map(rows));
  }
  return new Map(
    task.entities.map(([moref, kind, tags]) => [
      moref,
      { tags, fields: fieldsByKind.get(kind) ?? new Map() },
    ]),
  );
}

/**
 * Posts one prepared QueryPerf and stream-parses the answer to line protocol: the hot path, run
 * inside a piscina worker (the default export) or on the calling thread.
 */
export async function runQueryPerfTask(task: QueryPerfTask): Promise<QueryPerfTaskResult> {
  const parser = new QueryPerfParser(entityOutputs(task));
  let responseBytes = 0;
  try {
    if (task.response) {
      parser.write(task.response);
      responseBytes = task.response.byteLength;
    } else {
      responseBytes = await postQueryPerf(
        {
          sdkUrl: task.sdkUrl,
          cookie: task.cookie,
          soapAction: task.soapAction,
          timeoutMs: task.timeoutMs,
          agent: agentFor(task),
        },
        task.body,
        (chunk) => parser.write(chunk),
      );
    }
    return { ...parser.close(), responseBytes };
  } catch (thrown) {
    const error = vimErrorData(thrown);
    if (!error) throw thrown;
    return {
      lines: Buffer.alloc(0),
      lineCount: 0,
      points: 0,
      lastSampleByEntity: {},
      misalignedSeries: 0,
      unknownSeries: 0,
      responseBytes,
      error,
    };
  }
}

/**
 * The piscina entry: runs the task and hands the lines back by transferring their memory rather
 * than copying it (responses of a large vCenter make tens of MB of lines per cycle).
 */
export default async function queryPerfWorker(task: QueryPerfTask): Promise<unknown> {
  const result = await runQueryPerfTask(task);
  return move({ [transferableSymbol]: [result.lines.buffer], [valueSymbol]: result });
}

/** The compiled worker file, for piscina's `filename` (this module, as JavaScript). */
export const QUERY_PERF_WORKER_FILE = __filename.replace(/\.ts$/, '.js');
