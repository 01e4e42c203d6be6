import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NodeSummaryRow } from './nodes.dto';

export interface NodeSummaryFilter {
  from: string;
  to: string;
  clusterId?: string;
  clusterName?: string;
  nodeType?: string;
}

/** Reads node_daily_summary for the nodes API. */
@Injectable()
export class NodeSummaryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One row more than `limit`, to tell whether another page follows (see page()). */
  list(filter: NodeSummaryFilter, limit: number, offset: number): Promise<NodeSummaryRow[]> {
    return this.dataSource.query(
      `SELECT to_char(d.date, 'YYYY-MM-DD') AS "Date", c.id AS "ClusterID", c.name AS "ClusterName",
              n.name AS "NodeName", n.resource_id AS "NodeIdentifier", n.node_type AS "NodeType",
              d.core_count AS "CoreCount", d.total_hours AS "TotalHours"
         FROM node_daily_summary d
         JOIN node n ON n.id = d.node_id
         JOIN node_cluster c ON c.id = n.cluster_id
        WHERE d.date BETWEEN $1::date AND $2::date
          AND ($3::text IS NULL OR c.id = $3)
          AND ($4::text IS NULL OR lower(c.name) = lower($4))
          AND ($5::text IS NULL OR lower(n.node_type) = lower($5))
        ORDER BY d.date, c.id, n.name, d.core_count
        LIMIT $6 OFFSET $7`,
      [
        filter.from,
        filter.to,
        filter.clusterId ?? null,
        filter.clusterName ?? null,
        filter.nodeType ?? null,
        limit + 1,
        offset,
      ],
    );
  }
}
