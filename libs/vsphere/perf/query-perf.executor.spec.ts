import { QueryPerfExecutor } from './query-perf.executor';
import type { QueryPerfTask, QueryPerfTaskResult } from './query-perf.worker';

const ANSWER: QueryPerfTaskResult = {
  lines: Buffer.alloc(0),
  lineCount: 0,
  points: 0,
  lastSampleByEntity: {},
  misalignedSeries: 0,
  unknownSeries: 0,
  responseBytes: 10,
};

describe('QueryPerfExecutor timeouts', () => {
  it('gives the first attempt the full timeout, even past the deadline, and cuts a retry to the time left', async () => {
    let clock = 10_000;
    const timeouts: number[] = [];
    const answers: QueryPerfTaskResult[] = [
      { ...ANSWER, error: { kind: 'transport', message: 'QueryPerf: HTTP 503', statusCode: 503 } },
      ANSWER,
    ];
    const client = {
      session: { withRelogin: <T>(work: () => Promise<T>) => work() },
      queryPerfTask: () => ({ timeoutMs: 60_000 }) as QueryPerfTask,
    } as unknown as ConstructorParameters<typeof QueryPerfExecutor>[0];
    const executor = new QueryPerfExecutor(
      client,
      (task) => {
        timeouts.push(task.timeoutMs);
        clock += 1000; // each attempt takes a second
        return Promise.resolve(answers.shift()!);
      },
      { now: () => clock, random: () => 0.5, sleep: async (ms) => void (clock += ms) },
    );
    // A cycle that runs late: its deadline is 5 s away when the request starts.
    expect(await executor.execute({ body: Buffer.alloc(0), entities: [], fields: {} }, 15_000)).toBe(ANSWER);
    // The retry starts after 1 s of the first attempt and 150 ms of waiting.
    expect(timeouts).toEqual([60_000, 15_000 - 11_150]);
  });
});
