import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsInt32 } from '@vcc/platform';
import { Optional } from '../common/nullable';
import { IsMultipleOf, IsRealtimeInterval, VCENTER_RULES } from '@vcc/config';
import { DEFAULT_COUNTERS, type VcenterCounters, type VcenterFilters, type VcenterTls } from '@vcc/contract';

const counterList = (kind: string): PropertyDecorator => {
  const decorators = [
    ApiPropertyOptional({
      type: [String],
      description: `${kind} counters as group.name.rollup (default: ${DEFAULT_COUNTERS[kind as keyof typeof DEFAULT_COUNTERS].length} counters)`,
      example: DEFAULT_COUNTERS[kind as keyof typeof DEFAULT_COUNTERS].slice(0, 2),
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(VCENTER_RULES.maxCounters),
    Matches(VCENTER_RULES.counter, { each: true, message: `$property: ${VCENTER_RULES.counterMessage}` }),
  ];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
};

export class TlsOptionsDto implements Partial<VcenterTls> {
  @ApiPropertyOptional({
    description: "skip verification of vCenter's certificate (labs only)",
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  insecure?: boolean;

  @ApiPropertyOptional({
    description: "PEM file of the CA that signed vCenter's certificate, as a path on the collector hosts",
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  caFile?: string | null;
}

/** Kinds left out get vcc's default counters. */
export class CountersDto implements Partial<VcenterCounters> {
  @counterList('vm')
  vm?: string[];

  @counterList('host')
  host?: string[];

  @counterList('cluster')
  cluster?: string[];

  @counterList('datastore')
  datastore?: string[];
}

export class FiltersDto implements Partial<VcenterFilters> {
  @ApiPropertyOptional({
    type: [String],
    description:
      'inventory-path globs (* within a path segment, ** across segments), e.g. /dc1/vm/prod/**; empty collects everything',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxFilters)
  @IsString({ each: true })
  @MaxLength(VCENTER_RULES.maxFilterLength, { each: true })
  include?: string[];

  @ApiPropertyOptional({ type: [String], description: 'inventory-path globs of entities never collected' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(VCENTER_RULES.maxFilters)
  @IsString({ each: true })
  @MaxLength(VCENTER_RULES.maxFilterLength, { each: true })
  exclude?: string[];
}

export class CreateVcenterDto {
  @ApiProperty({ example: 'vc01', description: VCENTER_RULES.nameMessage })
  @Matches(VCENTER_RULES.name, { message: `name ${VCENTER_RULES.nameMessage}` })
  name: string;

  @ApiProperty({ example: 'https://vc01.example.com/sdk', description: 'without user:password@' })
  @IsUrl(VCENTER_RULES.sdkUrl, { message: `sdkUrl ${VCENTER_RULES.sdkUrlMessage}` })
  sdkUrl: string;

  @ApiProperty({ example: 'vcc-readonly@vsphere.local' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  username: string;

  @ApiProperty({ writeOnly: true, description: 'stored encrypted, never returned' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ type: TlsOptionsDto })
  @Optional()
  @Type(() => TlsOptionsDto)
  @ValidateNested()
  // ValidateNested alone takes an array of such objects too.
  @IsObject()
  tls?: TlsOptionsDto;

  @ApiPropertyOptional({ default: true, description: 'false pauses collection (members get no indices)' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: VCENTER_RULES.defaultRealtimeIntervalSeconds,
    description: 'realtime cycle in seconds, a multiple of the 20 s sample interval',
  })
  @Optional()
  @IsInt32()
  @IsRealtimeInterval(VCENTER_RULES.realtimeMaxSeconds)
  realtimeIntervalSeconds?: number;

  @ApiPropertyOptional({
    default: VCENTER_RULES.defaultHistoricalIntervalSeconds,
    description: 'historical (cluster, datastore) cycle in seconds, a multiple of 300',
  })
  @Optional()
  @IsInt32()
  @Min(VCENTER_RULES.historicalStepSeconds)
  @Max(VCENTER_RULES.historicalMaxSeconds)
  @IsMultipleOf(VCENTER_RULES.historicalStepSeconds)
  historicalIntervalSeconds?: number;

  @ApiPropertyOptional({ type: CountersDto })
  @Optional()
  @Type(() => CountersDto)
  @ValidateNested()
  // ValidateNested alone takes an array of such objects too.
  @IsObject()
  counters?: CountersDto;

  @ApiPropertyOptional({ type: FiltersDto })
  @Optional()
  @Type(() => FiltersDto)
  @ValidateNested()
  // ValidateNested alone takes an array of such objects too.
  @IsObject()
  filters?: FiltersDto;

  @ApiPropertyOptional({
    default: VCENTER_RULES.defaultRequestBudget,
    description: 'in-flight vCenter requests allowed across the whole cluster, split among the members',
  })
  @Optional()
  @IsInt32()
  @Min(1)
  @Max(VCENTER_RULES.maxRequestBudget)
  requestBudget?: number;
}

/**
 * Only the fields given change; `tls`, `counters` and `filters` are replaced whole. null is no
 * value here (every stored field has one): it gets a 400 like any other wrong type.
 */
export class UpdateVcenterDto extends PartialType(CreateVcenterDto, { skipNullProperties: false }) {}

export class TlsOptionsView implements VcenterTls {
  @ApiProperty()
  insecure: boolean;

  @ApiProperty({ type: String, nullable: true })
  caFile: string | null;
}

export class CountersView implements VcenterCounters {
  @ApiProperty({ type: [String] })
  vm: string[];

  @ApiProperty({ type: [String] })
  host: string[];

  @ApiProperty({ type: [String] })
  cluster: string[];

  @ApiProperty({ type: [String] })
  datastore: string[];
}

export class FiltersView implements VcenterFilters {
  @ApiProperty({ type: [String] })
  include: string[];

  @ApiProperty({ type: [String] })
  exclude: string[];
}

/** A catalogue entry as the API shows it: everything but the password. */
export class VcenterView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  sdkUrl: string;

  @ApiProperty()
  username: string;

  @ApiProperty({ type: TlsOptionsView })
  tls: TlsOptionsView;

  @ApiProperty({ description: 'false while paused' })
  enabled: boolean;

  @ApiProperty()
  realtimeIntervalSeconds: number;

  @ApiProperty()
  historicalIntervalSeconds: number;

  @ApiProperty({ type: CountersView })
  counters: CountersView;

  @ApiProperty({ type: FiltersView })
  filters: FiltersView;

  @ApiProperty()
  requestBudget: number;

  @ApiProperty({ description: 'bumped once per change of the group assignment' })
  epoch: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'boundary from which the epoch applies',
  })
  epochEffectiveFrom: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
