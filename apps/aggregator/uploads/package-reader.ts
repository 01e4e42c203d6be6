import { HttpStatus } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { entryName, unsafeEntryName } from './manifest';

/** Why a package is refused: the HTTP status, the field at fault and what is wrong. */
export class PackageError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: HttpStatus = HttpStatus.BAD_REQUEST,
  ) {
    super(message);
  }
}

export interface PackageLimits {
  maxFiles: number;
  maxRatio: number;
}

export interface PackageStats {
  entries: number;
  compressedBytes: number;
  decompressedBytes: number;
}

/**
 * Reads a tar.gz stream entry by entry, never holding more than a chunk: checks every entry's name
 * and type, the entry count and the decompression ratio as it goes, and hands each regular file to
 * `onFile`, which must consume its content (what it leaves is skipped). Throws a PackageError for
 * a bad package, whichever stage finds it.
 */
export async function readPackage(
  source: Readable,
  limits: PackageLimits,
  onFile: (name: string, content: AsyncIterable<Buffer>) => Promise<void>,
): Promise<PackageStats> {
  const stats: PackageStats = { entries: 0, compressedBytes: 0, decompressedBytes: 0 };
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      stats.compressedBytes += chunk.length;
      done(null, chunk);
    },
  });
  const gunzip = createGunzip();
  // Checked on every chunk, against the bytes received so far (never fewer than gunzip has read):
  // a bomb is stopped after maxRatio times what it sent, not after it filled the disk.
  const ratioGuard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      stats.decompressedBytes += chunk.length;
      if (stats.decompressedBytes > limits.maxRatio * Math.max(stats.compressedBytes, 1))
        done(
          new PackageError(
            'file',
            `file: decompresses to more than uploads.maxRatio (${limits.maxRatio}) times its size`,
          ),
        );
      else done(null, chunk);
    },
  });
  const extract = tarExtract();
  const piped = pipeline(source, counted, gunzip, ratioGuard, extract);
  // The loop below reports the failure; this only keeps the rejection from going unhandled.
  piped.catch(() => undefined);
  try {
    for await (const entry of extract) {
      stats.entries += 1;
      if (stats.entries > limits.maxFiles)
        throw new PackageError('file', `file: holds more than uploads.maxFiles (${limits.maxFiles}) entries`);
      const { name: rawName, type } = entry.header;
      const unsafe = unsafeEntryName(rawName);
      if (unsafe) throw new PackageError('file', `file: entry ${JSON.stringify(rawName)} ${unsafe}`);
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file')
        throw new PackageError(
          'file',
          `file: entry ${JSON.stringify(rawName)} is a ${type}; only regular files are accepted`,
        );
      try {
        // tar-stream's entries are streamx streams of Buffers.
        await onFile(entryName(rawName), entry as AsyncIterable<Buffer>);
      } catch (error) {
        throw new HandlerError(error);
      }
      entry.resume();
    }
    await piped;
  } catch (error) {
    source.destroy();
    throw asPackageError(error);
  }
  return stats;
}

/** An error of the caller's onFile, passed on as it is. */
class HandlerError extends Error {
  constructor(readonly original: unknown) {
    super('onFile failed');
  }
}

/** What the stream stages threw, as the package fault it means. */
function asPackageError(error: unknown): unknown {
  if (error instanceof HandlerError) return error.original;
  if (error instanceof PackageError) return error;
  const failure = error as Error & { code?: string; statusCode?: number };
  if (failure.statusCode === HttpStatus.PAYLOAD_TOO_LARGE)
    return new PackageError('file', 'file: larger than uploads.maxBytes', HttpStatus.PAYLOAD_TOO_LARGE);
  if (failure.code?.startsWith('Z_'))
    return new PackageError('file', `file: is not a gzip stream (${failure.message})`);
  // I/O errors (the spool file) are not the package's fault; tar-stream's own errors have no code.
  if (failure.code) return error;
  return new PackageError('file', `file: is not a tar archive (${failure.message})`);
}
