import { SinkError, type LineBatch, type Sink } from './sink';
import { SinkWriter } from './sink-writer';

function lines(from: number, count: number): LineBatch {
  const text = Array.from({ length: count }, (_, i) => `m,moid=vm-${from + i} f=1i 1795347240\n`).join('');
  return { lines: Buffer.from(text), lineCount: count };
}

/** A sink that records what it got and fails while `failures` has entries. */
class FakeSink implements Sink {
  readonly batches: string[] = [];
  attempts = 0;
  failures: SinkError[] = [];
  constructor(readonly name: string) {}
  async write(batch: LineBatch): Promise<void> {
    this.attempts++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.batches.push(batch.lines.toString());
  }
  async close(): Promise<void> {}
  lineCount(): number {
    return this.batches.join('').split('\n').filter(Boolean).length;
  }
}

describe('SinkWriter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('cuts batches of batchLines at line boundaries and resolves a submission when every sink has all its lines', async () => {
    const a = new FakeSink('a');
    const b = new FakeSink('b');
    const writer = new SinkWriter([a, b], { batchLines: 4, maxBufferedLines: 100, maxRetryDelayMs: 1000 });
    let firstDone = false;
    void writer.submit(lines(0, 3))!.then(() => (firstDone = true));
    const second = writer.submit(lines(3, 6))!;
    writer.flush();
    await second;
    expect(firstDone).toBe(true);
    for (const sink of [a, b]) {
      expect(sink.batches.map((batch) => batch.split('\n').filter(Boolean).length)).toEqual([4, 4, 1]);
      expect(sink.lineCount()).toBe(9);
    }
    expect(writer.bufferedLines).toBe(0);
  });

  it('retries a retryable failure, honouring Retry-After, and resolves only after the write succeeded', async () => {
    const sink = new FakeSink('influx');
    sink.failures.push(new SinkError('HTTP 503', true, 30_000), new SinkError('ECONNREFUSED', true));
    const retries: (number | undefined)[] = [];
    const writer = new SinkWriter(
      [sink],
      { batchLines: 10, maxBufferedLines: 100, maxRetryDelayMs: 60_000 },
      {
        failed: (_sink, _lines, _error, retryIn) => retries.push(retryIn),
      },
    );
    let done = false;
    void writer.submit(lines(0, 2))!.then(() => (done = true));
    writer.flush();
    await jest.advanceTimersByTimeAsync(29_999);
    expect(sink.attempts).toBe(1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(sink.attempts).toBe(2);
    await jest.advanceTimersByTimeAsync(1000);
    expect(sink.attempts).toBe(3);
    expect(done).toBe(true);
    expect(retries).toEqual([30_000, 1000]);
  });

  it('pauses the whole sink for a Retry-After: the other request in flight does not knock sooner either', async () => {
    const sink = new FakeSink('victoria');
    const sent: number[] = [];
    const write = sink.write.bind(sink);
    sink.write = (batch) => {
      sent.push(Date.now());
      return write(batch);
    };
    sink.failures.push(new SinkError('HTTP 429', true, 30_000));
    const writer = new SinkWriter([sink], { batchLines: 2, maxBufferedLines: 100, maxRetryDelayMs: 1000 });
    const start = Date.now();
    const first = writer.submit(lines(0, 2))!; // sealed and sent at once: answered 429
    await jest.advanceTimersByTimeAsync(10_000);
    const second = writer.submit(lines(2, 2))!; // a free slot, but the sink asked for 30 s
    await jest.advanceTimersByTimeAsync(19_999);
    expect(sent.map((t) => t - start)).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(sent.map((t) => t - start)).toEqual([0, 30_000, 30_000]);
    expect(sink.lineCount()).toBe(4);
  });

  it('drops a batch a sink refuses for good (4xx) and reports it with its first line, without retrying', async () => {
    const sink = new FakeSink('influx');
    sink.failures.push(new SinkError('HTTP 400 bad line', false));
    const dropped: [number, string | undefined][] = [];
    const writer = new SinkWriter(
      [sink],
      { batchLines: 10, maxBufferedLines: 100, maxRetryDelayMs: 1000 },
      {
        failed: (_sink, count, _error, retryIn, firstLine) =>
          retryIn === undefined && dropped.push([count, firstLine]),
      },
    );
    const done = writer.submit(lines(7, 3))!;
    writer.flush();
    await done;
    expect(sink.attempts).toBe(1);
    expect(dropped).toEqual([[3, 'm,moid=vm-7 f=1i 1795347240']]);
  });

  it('refuses lines beyond maxBufferedLines instead of dropping any, and takes them again once drained', async () => {
    const sink = new FakeSink('influx');
    sink.failures.push(new SinkError('down', true));
    const writer = new SinkWriter([sink], { batchLines: 5, maxBufferedLines: 10, maxRetryDelayMs: 1000 });
    expect(writer.submit(lines(0, 5))).not.toBeNull();
    expect(writer.submit(lines(5, 5))).not.toBeNull();
    expect(writer.submit(lines(10, 1))).toBeNull();
    expect(writer.bufferedLines).toBe(10);
    await jest.advanceTimersByTimeAsync(500);
    expect(writer.bufferedLines).toBe(0);
    expect(writer.submit(lines(10, 1))).not.toBeNull();
    expect(sink.lineCount()).toBe(10);
  });

  it('admits a submission larger than the whole buffer when nothing else is buffered', async () => {
    const sink = new FakeSink('influx');
    const writer = new SinkWriter([sink], { batchLines: 5, maxBufferedLines: 10, maxRetryDelayMs: 1000 });
    const big = writer.submit(lines(0, 25));
    expect(big).not.toBeNull();
    expect(writer.submit(lines(25, 1))).toBeNull();
    writer.flush();
    await big;
    expect(sink.lineCount()).toBe(25);
  });

  it('lets a caller wait for room instead of being refused, and says when the wait timed out', async () => {
    const sink = new FakeSink('influx');
    sink.failures.push(new SinkError('slow', true), new SinkError('slow', true));
    const writer = new SinkWriter([sink], { batchLines: 5, maxBufferedLines: 10, maxRetryDelayMs: 1000 });
    void writer.submit(lines(0, 10));
    expect(writer.submit(lines(10, 5))).toBeNull();

    let room: boolean | undefined;
    void writer.waitForRoom(5, 200).then((result) => (room = result));
    await jest.advanceTimersByTimeAsync(200);
    expect(room).toBe(false); // the sink is still failing: no room within 200 ms

    void writer.waitForRoom(5, 10_000).then((result) => (room = result));
    await jest.advanceTimersByTimeAsync(500); // the retry succeeds and empties the buffer
    expect(room).toBe(true);
    expect(writer.submit(lines(10, 5))).not.toBeNull();
  });
});
