import { IsInt, IsString, Max, Min } from 'class-validator';
import { Doc } from './config-key.decorator';

/** Node packages (koku-metrics-operator tarballs) posted to the aggregator. */
export class UploadsConfig {
  @Doc('largest upload accepted, in bytes (the tar.gz as sent); a larger one is refused with 413')
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 ** 3)
  maxBytes = 256 * 1024 ** 2;

  @Doc('most entries a package may hold (manifest and CSVs); more is refused with 400')
  @IsInt()
  @Min(2)
  @Max(100_000)
  maxFiles = 1000;

  @Doc(
    'zip-bomb guard: most bytes a package may decompress to per byte received, checked all along the stream; more is refused with 400 (koku CSVs compress 10-30 times)',
  )
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxRatio = 200;

  @Doc(
    'directory where accepted packages wait for their ingest job (empty: the system temporary directory); it needs room for uploads.maxBytes per package in flight, and should be on disk, not tmpfs, since tmpfs counts against memory',
  )
  @IsString()
  spoolDirectory = '';
}
