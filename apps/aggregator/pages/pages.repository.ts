import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeLiteral } from '../query/summary.repository';

export interface VmMatch {
  vcenterId: string;
  vcenterName: string | null;
  moref: string;
  name: string;
}

/** What the pages read beyond the query API. */
@Injectable()
export class PagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * VMs of the daily summary of `day` whose name contains `text` (any case), at most `limit`. One
   * day, not a range: a range of days reads every row of each (280,000 for a week of 40,000 VMs,
   * seconds under load), one day reads 40,000 through the index on (day, vcenter_id, moref).
   */
  searchVms(text: string, day: string, limit: number): Promise<VmMatch[]> {
    return this.dataSource.query(
      `SELECT t.vcenter_id AS "vcenterId", v.name AS "vcenterName", t.moref, t.name
         FROM chargeback_daily t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE t.day = $1::date AND t.name ILIKE $2
        ORDER BY lower(t.name), t.vcenter_id, t.moref
        LIMIT $3`,
      [day, `%${likeLiteral(text)}%`, limit],
    );
  }
}
