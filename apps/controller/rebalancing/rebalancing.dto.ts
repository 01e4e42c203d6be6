import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsInt32 } from '@vcc/platform';
import { MAX_WEIGHT } from '../membership/membership.dto';

export class MoveDto {
  @ApiProperty({ description: 'id or name of the vCenter to move the collector to' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  vcenter: string;
}

export class WeightDto {
  @ApiProperty({ minimum: 1, maximum: MAX_WEIGHT, description: 'group indices the collector holds' })
  @IsInt32()
  @Min(1)
  @Max(MAX_WEIGHT)
  weight: number;
}

export class ReorderDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'every member once, in the order that takes the indices from 0 (each keeps its weight)',
  })
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  collectorIds: string[];
}

export class GroupMemberView {
  @ApiProperty({ format: 'uuid' })
  collectorId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  weight: number;

  @ApiProperty({ type: [Number] })
  groupIndices: number[];
}

export class DrainingMemberView {
  @ApiProperty({ format: 'uuid' })
  collectorId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when its work ends and it is deregistered',
  })
  drainAt: string | null;
}

/** Who holds which group index of a vCenter in its current epoch. */
export class GroupsView {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty()
  vcenterName: string;

  @ApiProperty()
  epoch: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  effectiveFrom: string | null;

  @ApiProperty()
  paused: boolean;

  @ApiProperty()
  groupCount: number;

  @ApiProperty({ type: [GroupMemberView], description: 'in order of their first index' })
  members: GroupMemberView[];

  @ApiProperty({ type: [DrainingMemberView] })
  draining: DrainingMemberView[];
}
