import 'reflect-metadata';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { entryName, manifestProblems, missingColumns, REQUIRED_COLUMNS, unsafeEntryName } from './manifest';
import { checkPackage } from './package-check';
import { PackageError } from './package-reader';

const LIMITS = { maxFiles: 10, maxRatio: 200 };

const MANIFEST = {
  uuid: '3f3a1c86-7d2e-4a53-9d8f-0a4f6e2b9c11',
  cluster_id: 'c1',
  version: 'v1',
  date: '2026-10-15T00:00:00Z',
  files: ['a.csv'],
  start: '2026-10-14T00:00:00Z',
  end: '2026-10-15T00:00:00Z',
  cr_status: { clusterID: 'c1', source: { name: 'one' } },
};

async function tarGz(entries: { name: string; content: string }[]): Promise<Buffer> {
  const tar = tarPack();
  for (const entry of entries) tar.entry({ name: entry.name }, entry.content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar as AsyncIterable<Buffer>) chunks.push(chunk);
  return gzipSync(Buffer.concat(chunks));
}

async function fault(buffer: Buffer): Promise<PackageError> {
  const error = await checkPackage(Readable.from([buffer]), LIMITS).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PackageError);
  return error as PackageError;
}

describe('entry names', () => {
  it('refuses absolute, drive, backslash and climbing names, and takes plain ones', () => {
    expect(unsafeEntryName('/etc/passwd')).toBe('is an absolute path');
    expect(unsafeEntryName('C:/x.csv')).toBe('is an absolute path');
    expect(unsafeEntryName('a\\b.csv')).toBe('holds a backslash');
    expect(unsafeEntryName('a/../../b.csv')).toBe('climbs out of the archive (..)');
    expect(unsafeEntryName('reports/a..b.csv')).toBeUndefined();
    expect(entryName('././manifest.json')).toBe('manifest.json');
  });
});

describe('manifest', () => {
  it('names every missing or bad field by its path', () => {
    const { manifest, problems } = manifestProblems(
      JSON.stringify({ ...MANIFEST, uuid: 'nope', files: [], cr_status: { source: {} } }),
    );
    expect(manifest).toBeUndefined();
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'manifest.uuid',
      'manifest.files',
      'manifest.cr_status.clusterID',
      'manifest.cr_status.source.name',
    ]);
  });

  it('does not quote text that is not JSON', () => {
    expect(manifestProblems('{"secret": ')).toEqual({ problems: ['manifest.json: is not JSON'] });
  });

  it('lists missing CSV columns in order, ignoring extra ones and spaces', () => {
    expect(missingColumns([' node ', 'extra', ...REQUIRED_COLUMNS.slice(2)])).toEqual([
      'report_period_start',
      'report_period_end',
    ]);
  });
});

describe('checkPackage', () => {
  const csv = `${REQUIRED_COLUMNS.join(',')}\n${REQUIRED_COLUMNS.map(() => 'x').join(',')}\n`;

  it('accepts a package whose manifest lists exactly its CSVs', async () => {
    const buffer = await tarGz([
      { name: './manifest.json', content: JSON.stringify(MANIFEST) },
      { name: 'a.csv', content: csv },
    ]);
    const checked = await checkPackage(Readable.from([buffer]), LIMITS);
    expect(checked.manifest.uuid).toBe(MANIFEST.uuid);
    expect(checked.stats).toEqual({
      entries: 2,
      compressedBytes: buffer.length,
      decompressedBytes: expect.any(Number),
    });
  });

  it('tells gzip faults from tar faults', async () => {
    expect((await fault(Buffer.from('plain text'))).message).toMatch(/^file: is not a gzip stream/);
    expect((await fault(gzipSync(Buffer.from('x'.repeat(600))))).message).toMatch(
      /^file: is not a tar archive/,
    );
  });

  it('stops a decompression bomb at the ratio', async () => {
    const bomb = await tarGz([
      { name: 'manifest.json', content: JSON.stringify(MANIFEST) },
      { name: 'a.csv', content: `${csv}${'0'.repeat(4 * 1024 * 1024)}` },
    ]);
    expect((await fault(bomb)).message).toBe(
      'file: decompresses to more than uploads.maxRatio (200) times its size',
    );
  });

  it('names the same entry twice', async () => {
    const twice = await tarGz([
      { name: 'manifest.json', content: JSON.stringify(MANIFEST) },
      { name: 'a.csv', content: csv },
      { name: './a.csv', content: csv },
    ]);
    expect((await fault(twice)).message).toBe('file: entry "a.csv" appears twice');
  });
});
