import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '@vcc/auth';
import { badRequest } from '@vcc/platform';
import { AggregatorConfig } from '@vcc/config';
import { currentDay } from '../jobs/job';
import { page, toCsv } from '../common/table';
import { NODE_SUMMARY_COLUMNS, NodeSummaryQuery, type NodeSummaryRow } from './nodes.dto';
import { NodeSummaryRepository } from './node-summary.repository';

@ApiTags('node uploads')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Controller('api/metrics/v1')
export class NodesController {
  constructor(
    private readonly config: AggregatorConfig,
    private readonly summaries: NodeSummaryRepository,
  ) {}

  @Get('nodes')
  @Roles('admin', 'reader')
  @ApiOkResponse({
    description:
      'daily core counts per node, OpenShift nodes and ESXi hosts alike: an array of { Date, ClusterID, ClusterName, NodeName, NodeIdentifier, NodeType, CoreCount, TotalHours } as cost-metrics-aggregator answers (Date as RFC 3339 midnight UTC); with Accept: text/csv the same as CSV. The next page starts at the X-Next-Offset header, absent on the last page',
  })
  async nodes(
    @Query() query: NodeSummaryQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const today = currentDay(new Date(), this.config.chargeback.timeZone);
    const from = query.start_date ?? `${today.slice(0, 7)}-01`;
    const to = query.end_date ?? today;
    if (from > to) throw badRequest('end_date', `end_date: must not be before start_date (${from})`);
    const rows = await this.summaries.list(
      { from, to, clusterId: query.cluster_id, clusterName: query.cluster_name, nodeType: query.node_type },
      query.limit,
      query.offset,
    );
    const result = page(rows, query.limit, query.offset);
    if (result.nextOffset !== null) void reply.header('X-Next-Offset', String(result.nextOffset));
    if (accept?.includes('text/csv')) {
      void reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="node-metrics-${from}-${to}.csv"`);
      return toCsv(result.items as unknown as Record<string, unknown>[], NODE_SUMMARY_COLUMNS);
    }
    // Go's encoding/json writes a time.Time as RFC 3339; the summary's days are midnight UTC there.
    return result.items.map((row): NodeSummaryRow => ({ ...row, Date: `${row.Date}T00:00:00Z` }));
  }
}
