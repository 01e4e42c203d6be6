import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import type { EntityRef, EventBatch, EventRow } from '@vcc/contract';
import { IsTimestamp } from '@vcc/platform';

export const MAX_EVENTS_PER_BATCH = 10_000;
const MAX_EVENT_KEY = 2_147_483_647; // vim25 event keys are xsd:int

const MOREF_MAX = 128;
const ENTITY_NAME_MAX = 1024;

/** A managed object an event refers to: its moref and its name at the time (checked by IsEntityRef). */
export class EntityRefDto implements EntityRef {
  @ApiProperty({ example: 'vm-1234', minLength: 1, maxLength: MOREF_MAX })
  moref: string;

  @ApiProperty({ maxLength: ENTITY_NAME_MAX })
  name: string;
}

/** What is wrong with an entity reference, or undefined when it is a valid {moref, name}. */
function entityRefProblem(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return 'must be an object {moref, name} or null';
  const { moref, name, ...extra } = value as Record<string, unknown>;
  const unknown = Object.keys(extra);
  if (unknown.length) return `${unknown.join(', ')}: not accepted fields (only moref and name)`;
  if (typeof moref !== 'string' || moref.length < 1 || moref.length > MOREF_MAX)
    return `moref must be a string of 1 to ${MOREF_MAX} characters`;
  if (typeof name !== 'string' || name.length > ENTITY_NAME_MAX)
    return `name must be a string of at most ${ENTITY_NAME_MAX} characters`;
  return undefined;
}

/**
 * An event's entity reference, checked in one step instead of as a nested DTO: a batch carries
 * four per event, and class-transformer and class-validator cost about as much per nested object
 * as per event, which halved ingest throughput (bench:events).
 */
function IsEntityRef(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEntityRef',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args) => `$property: ${entityRefProblem(args.value) ?? ''}`,
      },
      validator: { validate: (value: unknown) => entityRefProblem(value) === undefined },
    });
}

// A batch holds up to 10,000 events and every validator runs once per event: each field has the
// fewest that say what it needs (IsInt32 would add its own Min and Max to the ones below).
export class EventDto implements EventRow {
  @ApiProperty({ description: "vCenter's event key, increasing per vCenter" })
  @IsInt()
  @Min(0)
  @Max(MAX_EVENT_KEY)
  key: number;

  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(MAX_EVENT_KEY)
  chainId: number;

  @ApiProperty({ example: 'VmPoweredOffEvent', description: 'the vim25 event type' })
  @IsString()
  @Length(1, 256)
  type: string;

  @ApiProperty({ format: 'date-time' })
  @IsTimestamp()
  createdTime: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  userName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  fullMessage?: string | null;

  @ApiPropertyOptional({ type: EntityRefDto, nullable: true })
  @IsOptional()
  @IsEntityRef()
  datacenter?: EntityRefDto | null;

  @ApiPropertyOptional({ type: EntityRefDto, nullable: true, description: 'the compute resource (cluster)' })
  @IsOptional()
  @IsEntityRef()
  cluster?: EntityRefDto | null;

  @ApiPropertyOptional({ type: EntityRefDto, nullable: true })
  @IsOptional()
  @IsEntityRef()
  host?: EntityRefDto | null;

  @ApiPropertyOptional({ type: EntityRefDto, nullable: true })
  @IsOptional()
  @IsEntityRef()
  vm?: EntityRefDto | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "the event type's other properties",
  })
  @IsOptional()
  @IsObject()
  fields?: Record<string, unknown>;
}

export class EventBatchDto implements EventBatch {
  /** Gives the parsed body and its events their classes in place (BuiltFromPlain: the pipe validates them). */
  static fromPlain(plain: Record<string, unknown>): EventBatchDto {
    if (Array.isArray(plain.events)) {
      for (const event of plain.events as unknown[]) {
        if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
          Object.setPrototypeOf(event, EventDto.prototype);
        }
      }
    }
    return Object.setPrototypeOf(plain, EventBatchDto.prototype) as EventBatchDto;
  }

  @ApiProperty({ description: 'id or name of the vCenter the events come from' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  vcenter: string;

  @ApiProperty({ type: [EventDto], maxItems: MAX_EVENTS_PER_BATCH })
  @IsArray()
  @ArrayMaxSize(MAX_EVENTS_PER_BATCH)
  @Type(() => EventDto)
  @ValidateNested({ each: true })
  events: EventDto[];
}

export class EventBatchResultView {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty()
  received: number;

  @ApiProperty()
  stored: number;

  @ApiProperty({ description: 'events whose key was stored already (or repeated in the batch)' })
  duplicates: number;

  @ApiProperty({ type: Number, nullable: true, description: 'the highest stored event key of the vCenter' })
  lastKey: number | null;
}

export class LastEventKeyView {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the highest stored event key; null before any event',
  })
  lastKey: number | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'createdTime of the event with the highest key, where the event tail resumes reading',
  })
  lastTime: string | null;
}
