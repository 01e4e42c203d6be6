import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FromDecimalString, IsInt32 } from '@vcc/platform';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;

export class VcenterQueryDto {
  @ApiPropertyOptional({ description: 'id or name of the vCenter; may be left out when there is only one' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  vcenter?: string;
}

export class OffsetParam {
  @ApiProperty({ description: "an offset: the vCenter's event key" })
  @FromDecimalString()
  @IsInt32()
  @Min(0)
  offset: number;
}

export class EventsQueryDto extends VcenterQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'stream newline-delimited CloudEvents from offset (or from now) instead of a page',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  watch?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      'first key of the page (newest when order is desc, the default) or of the watch; a page starts at latest (desc) or earliest (asc) without it, a watch at the next new event',
  })
  @IsOptional()
  @FromDecimalString()
  @IsInt32()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @FromDecimalString()
  @IsInt32()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'page order by key' })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({
    example: 'VmPoweredOffEvent',
    description: 'only events of this vim25 type (or eventTypeId of an EventEx or ExtendedEvent)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  type?: string;

  @ApiPropertyOptional({
    example: 'vm-42',
    description: 'only events naming this moref as their datacenter, compute resource, host or VM',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  entity?: string;
}

export class RangeView {
  @ApiProperty({ description: 'the smallest stored key' })
  earliest: number;

  @ApiProperty({ description: 'the largest stored key' })
  latest: number;
}

export class CloudEventView {
  @ApiProperty({ example: '1.0' })
  specversion: '1.0';

  @ApiProperty({ example: 'vc1:4711', description: 'vCenter name and event key' })
  id: string;

  @ApiProperty({ example: 'https://vc1.example.com/sdk', description: 'the vCenter SDK URL' })
  source: string;

  @ApiProperty({ example: 'vmware.vsphere.VmPoweredOffEvent.v0' })
  type: string;

  @ApiProperty({ format: 'date-time', description: "the event's createdTime" })
  time: string;

  @ApiProperty({ example: 'application/json' })
  datacontenttype: 'application/json';

  @ApiProperty({ enum: ['event', 'eventex', 'extendedevent'] })
  eventclass: 'event' | 'eventex' | 'extendedevent';

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the event as vCenter gave it' })
  data: Record<string, unknown>;
}

export class EventPageView {
  @ApiProperty({ type: [CloudEventView] })
  events: CloudEventView[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'offset of the next page in the same order and filters; null after the last page',
  })
  next: number | null;
}
