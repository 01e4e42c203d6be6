import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';

/** The manifest's name in a koku-metrics-operator package. */
export const MANIFEST_NAME = 'manifest.json';

/** Columns of the operator's node report that vcc reads; any other column is ignored. */
export const REQUIRED_COLUMNS = [
  'report_period_start',
  'report_period_end',
  'interval_start',
  'interval_end',
  'node',
  'node_role',
  'resource_id',
  'node_capacity_cpu_cores',
  'node_capacity_cpu_core_seconds',
  'node_capacity_memory_bytes',
] as const;

class ManifestSource {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;
}

class ManifestCrStatus {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  clusterID: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ManifestSource)
  source: ManifestSource;
}

/**
 * The fields vcc reads from a package's manifest.json (the operator writes more, which are
 * ignored: the format is the operator's, not ours).
 */
export class Manifest {
  @IsUUID()
  uuid: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  cluster_id: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  version: string;

  @IsISO8601()
  date: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @IsString({ each: true })
  files: string[];

  @IsISO8601()
  start: string;

  @IsISO8601()
  end: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ManifestCrStatus)
  cr_status: ManifestCrStatus;
}

/** Problems with a manifest, one per field, as `manifest.<path>: <problem>`; none when it is valid. */
export function manifestProblems(text: string): { manifest?: Manifest; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text; the field and the fact are enough.
    return { problems: [`${MANIFEST_NAME}: is not JSON`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { problems: [`${MANIFEST_NAME}: must be a JSON object`] };
  const manifest = plainToInstance(Manifest, json);
  const problems = flatten(validateSync(manifest), 'manifest');
  return problems.length ? { problems } : { manifest, problems };
}

function flatten(errors: ValidationError[], path: string): string[] {
  return errors.flatMap((error) => {
    const field = `${path}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
    const own = messages.length ? [`${field}: ${messages.join(', ')}`] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Why an archive entry name is refused (absolute, a drive, backslashes, `..`), or undefined when
 * it is a plain relative path. Names are compared after dropping a leading `./`.
 */
export function unsafeEntryName(name: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.includes('\\')) return 'holds a backslash';
  if (name.split('/').includes('..')) return 'climbs out of the archive (..)';
  if (name.includes('\0')) return 'holds a NUL character';
  return undefined;
}

export const entryName = (name: string): string => name.replace(/^(\.\/)+/, '');

/** Required columns missing from a CSV header, in the order of REQUIRED_COLUMNS. */
export function missingColumns(header: string[]): string[] {
  const present = new Set(header.map((column) => column.trim()));
  return REQUIRED_COLUMNS.filter((column) => !present.has(column));
}
