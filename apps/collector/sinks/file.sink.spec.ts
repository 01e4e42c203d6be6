import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSink } from './file.sink';
import { SinkWriter } from './sink-writer';

/** `count` distinct lines of about 200 bytes, like the collector's. */
function lines(from: number, count: number): string {
  const tags = ',clustername=AMS-CL01,dcname=Amsterdam,esxhostname=esx-ams-c01-01.corp.example.com';
  return Array.from(
    { length: count },
    (_, i) => `vsphere_vm_cpu${tags},moid=vm-${from + i},vcenter=vc usagemhz_average=${i}i 1795347240\n`,
  ).join('');
}

describe('FileSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vcc-file-sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends concurrent batches over 1 MB whole and in order, never interleaved', async () => {
    const path = join(dir, 'metrics.lp');
    const batchLines = 8000; // about 1.3 MB per batch, written by Node in 512 KiB chunks
    const writer = new SinkWriter([new FileSink({ type: 'file', path })], {
      batchLines,
      maxBufferedLines: 100_000,
      maxRetryDelayMs: 1000,
      concurrency: 2,
    });
    const submissions = Array.from({ length: 6 }, (_, n) => lines(n * batchLines, batchLines));
    expect(Buffer.byteLength(submissions[0])).toBeGreaterThan(1024 * 1024);
    const acks = submissions.map((text) =>
      writer.submit({ lines: Buffer.from(text), lineCount: batchLines }),
    );
    await Promise.all(acks);
    await writer.close();

    expect(readFileSync(path, 'utf8') === submissions.join('')).toBe(true);
  });

  it('rotates at maxBytes between batches, keeping every line whole', async () => {
    const path = join(dir, 'metrics.lp');
    const sink = new FileSink({ type: 'file', path, maxBytes: 3 * 1024 * 1024, maxFiles: 3 });
    const batches = Array.from({ length: 4 }, (_, n) => lines(n * 8000, 8000));
    await Promise.all(batches.map((text) => sink.write({ lines: Buffer.from(text), lineCount: 8000 })));

    const rotated = readFileSync(`${path}.1`, 'utf8');
    const current = readFileSync(path, 'utf8');
    expect(rotated + current === batches.join('')).toBe(true);
    expect(rotated.endsWith('\n')).toBe(true);
  });

  it('counts what the file held before it started towards maxBytes, and writes after it', async () => {
    const path = join(dir, 'metrics.lp');
    const earlier = lines(0, 9000); // about 1.4 MB from a previous run
    writeFileSync(path, earlier);
    const sink = new FileSink({ type: 'file', path, maxBytes: 2 * 1024 * 1024, maxFiles: 2 });
    const batches = [lines(9000, 2000), lines(11_000, 2000), lines(13_000, 2000)];
    for (const text of batches) await sink.write({ lines: Buffer.from(text), lineCount: 2000 });
    await sink.close();

    // 1.4 + 2 x 0.3 MB fit; the third batch would pass 2 MiB and goes to a fresh file.
    expect(readFileSync(`${path}.1`, 'utf8') === earlier + batches[0] + batches[1]).toBe(true);
    expect(readFileSync(path, 'utf8') === batches[2]).toBe(true);
  });
});
