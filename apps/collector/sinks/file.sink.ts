import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SinkConfig } from '@vcc/config';
import { SinkError, type LineBatch, type Sink } from './sink';

export const DEFAULT_FILE_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_FILE_MAX_FILES = 5;

/**
 * Appends line protocol to a file, rotating it at `maxBytes` into `<path>.1` … `<path>.<maxFiles-1>`
 * (the oldest is deleted). For trying vcc without a database, and as a local record.
 *
 * Batches are appended one after the other, never two at once: Node writes a buffer over 512 KiB
 * in several chunks, so two appends in flight interleave their chunks and tear lines. For the
 * same reason a file belongs to one process; two collectors need two paths.
 *
 * The file stays open between batches (opening and closing it for each one cost the collector's
 * main thread about as much as the writes, bench/collector); it is reopened after a rotation or a
 * failed write, so a file moved away by hand is written to until then.
 */
export class FileSink implements Sink {
  readonly name: string;
  private file?: FileHandle;
  /** The open file's size. */
  private size = 0;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  /** The append in progress; the next one starts when it has settled. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: SinkConfig) {
    this.name = `file ${config.path}`;
    this.maxBytes = config.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
    this.maxFiles = config.maxFiles ?? DEFAULT_FILE_MAX_FILES;
  }

  write(batch: LineBatch): Promise<void> {
    const done = this.queue.then(() => this.append(batch));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async append(batch: LineBatch): Promise<void> {
    const path = this.config.path!;
    try {
      let file = this.file ?? (await this.open(path));
      if (this.size > 0 && this.size + batch.lines.length > this.maxBytes) {
        await this.rotate(path);
        file = await this.open(path);
      }
      await file.appendFile(batch.lines);
      this.size += batch.lines.length;
    } catch (error) {
      // The handle may be what failed (a descriptor gone bad, a file system remounted): the next
      // attempt opens the file again.
      await this.closeFile().catch(() => undefined);
      throw new SinkError(`${this.name}: ${(error as Error).message}`, true);
    }
  }

  private async open(path: string): Promise<FileHandle> {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(path, 'a');
    this.file = file;
    this.size = (await file.stat()).size;
    return file;
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  private async rotate(path: string): Promise<void> {
    await this.closeFile();
    await rm(`${path}.${this.maxFiles - 1}`, { force: true });
    for (let n = this.maxFiles - 2; n >= 1; n--)
      await rename(`${path}.${n}`, `${path}.${n + 1}`).catch(() => undefined);
    if (this.maxFiles > 1) await rename(path, `${path}.1`);
    else await rm(path, { force: true });
    this.size = 0;
  }

  /** Closes the file once the appends in progress have settled. */
  async close(): Promise<void> {
    await this.queue;
    await this.closeFile();
  }
}
