import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { MANIFEST_NAME, manifestProblems, missingColumns, type Manifest } from './manifest';
import { PackageError, readPackage, type PackageLimits, type PackageStats } from './package-reader';

/** A manifest bigger than this is not the operator's (it lists file names and a status). */
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** A CSV header line longer than this is not the operator's. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface CheckedPackage {
  manifest: Manifest;
  stats: PackageStats;
}

/**
 * Reads a whole package once and accepts it only if it is one the ingest job can take: a gzip'd tar
 * within the limits, a valid manifest, every file it lists present and no other, and every CSV
 * with the required columns. Reads only the manifest and the CSV header lines into memory.
 */
export async function checkPackage(source: Readable, limits: PackageLimits): Promise<CheckedPackage> {
  let manifestText: string | undefined;
  const present = new Set<string>();
  const headerProblems: string[] = [];
  const stats = await readPackage(source, limits, async (name, content) => {
    if (present.has(name))
      throw new PackageError('file', `file: entry ${JSON.stringify(name)} appears twice`);
    present.add(name);
    if (name === MANIFEST_NAME) manifestText = await readAtMost(content, MAX_MANIFEST_BYTES, name);
    else if (name.endsWith('.csv')) {
      const missing = missingColumns(await headerOf(content, name));
      if (missing.length) headerProblems.push(`${name}: lacks the column(s) ${missing.join(', ')}`);
    }
  });
  if (manifestText === undefined) throw new PackageError('file', `file: holds no ${MANIFEST_NAME}`);
  const { manifest, problems } = manifestProblems(manifestText);
  if (!manifest) throw new PackageError('manifest', problems.join('; '));
  const listed = new Set(manifest.files);
  const missing = [...listed].filter((name) => !present.has(name));
  if (missing.length)
    throw new PackageError(
      'manifest.files',
      `manifest.files: listed but not in the archive: ${missing.join(', ')}`,
    );
  const unlisted = [...present].filter((name) => name !== MANIFEST_NAME && !listed.has(name));
  if (unlisted.length)
    throw new PackageError('file', `file: not listed in manifest.files: ${unlisted.join(', ')}`);
  const notCsv = manifest.files.filter((name) => !name.endsWith('.csv'));
  if (notCsv.length)
    throw new PackageError('manifest.files', `manifest.files: only CSV files are read: ${notCsv.join(', ')}`);
  if (headerProblems.length) throw new PackageError('file', headerProblems.join('; '));
  return { manifest, stats };
}

async function readAtMost(content: AsyncIterable<Buffer>, limit: number, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of content) {
    size += chunk.length;
    if (size > limit) throw new PackageError('file', `file: ${name} is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The column names of a CSV, from its first line. Reads the file to its end (without keeping it):
 * the whole archive is checked before it is accepted, and leaving a tar entry early ends the walk.
 */
async function headerOf(content: AsyncIterable<Buffer>, name: string): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = false;
  for await (const chunk of content) {
    if (complete) continue;
    const end = chunk.indexOf(0x0a);
    chunks.push(end < 0 ? chunk : chunk.subarray(0, end));
    size += chunk.length;
    complete = end >= 0;
    if (!complete && size > MAX_HEADER_BYTES)
      throw new PackageError(
        'file',
        `file: ${name} has no header line in its first ${MAX_HEADER_BYTES} bytes`,
      );
  }
  const line = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const [header = []] = parse(line, { relaxColumnCount: true }) as string[][];
  return header;
}
