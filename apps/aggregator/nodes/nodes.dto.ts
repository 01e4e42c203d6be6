import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsCalendarDay } from '../common/calendar.validators';
import { PageQuery } from '../query/query.dto';

const text = (description: string): PropertyDecorator => {
  const decorators = [
    ApiPropertyOptional({ description }),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(256),
  ];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

/** cost-metrics-aggregator's query parameters, with paging. */
export class NodeSummaryQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'first day, YYYY-MM-DD (default: the first of this month)' })
  @IsOptional()
  @IsCalendarDay()
  start_date?: string;

  @ApiPropertyOptional({ description: 'last day, included, YYYY-MM-DD (default: today)' })
  @IsOptional()
  @IsCalendarDay()
  end_date?: string;

  @text("cluster id: an OpenShift cluster's cluster_id, or a vCenter's id")
  cluster_id?: string;

  @text('cluster name, any case: the source name of an OpenShift cluster, or a vCenter name')
  cluster_name?: string;

  @text('node type: esxi, or a node_role of the OpenShift reports (master, worker, infra …)')
  node_type?: string;
}

/** One row as cost-metrics-aggregator's GET /api/metrics/v1/nodes gives it (Go's field names). */
export interface NodeSummaryRow {
  Date: string;
  ClusterID: string;
  ClusterName: string;
  NodeName: string;
  NodeIdentifier: string;
  NodeType: string;
  CoreCount: number;
  TotalHours: number;
}

export const NODE_SUMMARY_COLUMNS: (keyof NodeSummaryRow)[] = [
  'Date',
  'ClusterID',
  'ClusterName',
  'NodeName',
  'NodeIdentifier',
  'NodeType',
  'CoreCount',
  'TotalHours',
];
