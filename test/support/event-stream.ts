import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ROOT } from './root';

/** A served event, as the tests read it. */
export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: string;
  eventclass: string;
  data: Record<string, unknown> & { key: number };
}

const schema = JSON.parse(
  readFileSync(join(ROOT, 'test/support/cloudevents/cloudevents-v1.schema.json'), 'utf8'),
) as object;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The schema violations of `event` against the vendored CloudEvents 1.0 JSON schema ([] if none). */
export function cloudEventProblems(event: unknown): string[] {
  if (validate(event)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

/** The offset (vCenter event key) of a served event. */
export const keyOf = (event: CloudEvent): number => event.data.key;

/**
 * An open `GET /api/v1/events?watch=true` stream, parsed line by line: CloudEvents in `events`,
 * heartbeat lines counted, and `ended` once the server closed it.
 */
export class Watcher {
  readonly events: CloudEvent[] = [];
  heartbeats = 0;
  ended = false;
  private readonly done: Promise<void>;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.done = this.read();
  }

  /** Opens a watch; `query` is added to `watch=true` (e.g. `offset=12&vcenter=vc1`). */
  static async open(baseUrl: string, query: string, token: string): Promise<Watcher> {
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/api/v1/events?watch=true${query ? `&${query}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    return new Watcher(response, abort);
  }

  get keys(): number[] {
    return this.events.map(keyOf);
  }

  /** Closes the stream from the client side. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  /** Resolves when the server has closed the stream. */
  finished(): Promise<void> {
    return this.done;
  }

  private async read(): Promise<void> {
    if (!this.response.body) {
      this.ended = true;
      return;
    }
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of this.response.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          const parsed = JSON.parse(line) as CloudEvent | { heartbeat: string };
          if ('heartbeat' in parsed) this.heartbeats += 1;
          else this.events.push(parsed);
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
    } finally {
      this.ended = true;
    }
  }
}

/** Keys that are out of order or repeated in `keys`. */
export function disorder(keys: number[]): string[] {
  const problems: string[] = [];
  keys.forEach((key, i) => {
    if (i > 0 && key <= keys[i - 1]) problems.push(`key ${key} after ${keys[i - 1]}`);
  });
  return problems;
}
