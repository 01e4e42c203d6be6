import { ApiProperty } from '@nestjs/swagger';
import { CycleStatsView } from '../membership/membership.dto';

export class MemberStatusView {
  @ApiProperty({ format: 'uuid' })
  collectorId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  version: string;

  @ApiProperty({ enum: ['active', 'draining'] })
  state: string;

  @ApiProperty()
  weight: number;

  @ApiProperty({ type: [Number] })
  groupIndices: number[];

  @ApiProperty({ description: 'seconds since the lease was last renewed' })
  leaseAgeSeconds: number;

  @ApiProperty({ format: 'date-time' })
  leaseExpiresAt: string;

  @ApiProperty({ description: 'missed at least one heartbeat (lease older than two heartbeat intervals)' })
  stale: boolean;

  @ApiProperty({ type: CycleStatsView, nullable: true })
  lastCycle: CycleStatsView | null;
}

export class CoverageView {
  @ApiProperty({ description: 'entities the members held in their last reported cycles' })
  entitiesAssigned: number;

  @ApiProperty({ description: 'entities they collected' })
  entitiesCollected: number;

  @ApiProperty({ type: Number, nullable: true, description: 'collected / assigned; null before any report' })
  ratio: number | null;
}

export class VcenterStatusView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  paused: boolean;

  @ApiProperty()
  epoch: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  effectiveFrom: string | null;

  @ApiProperty()
  groupCount: number;

  @ApiProperty()
  requestBudget: number;

  @ApiProperty({ type: [MemberStatusView], description: 'active members by first index, then draining ones' })
  members: MemberStatusView[];

  @ApiProperty({ type: CoverageView })
  coverage: CoverageView;

  @ApiProperty({ type: [String], description: 'names of stale members' })
  staleMembers: string[];
}

export class UnplacedCollectorView {
  @ApiProperty({ format: 'uuid' })
  collectorId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  leaseAgeSeconds: number;
}

export class ClusterStatusView {
  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty()
  heartbeatIntervalSeconds: number;

  @ApiProperty()
  leaseTtlSeconds: number;

  @ApiProperty({ type: [VcenterStatusView] })
  vcenters: VcenterStatusView[];

  @ApiProperty({ type: [UnplacedCollectorView], description: 'collectors waiting for an enabled vCenter' })
  unplaced: UnplacedCollectorView[];
}
