import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeLiteral } from '../query/summary.repository';

export interface VmMatch {
  vcenterId: string;
  vcenterName: string | null;
  moref: string;
  name: string;
  lastDay: string;
}

/** What the pages read beyond the query API. */
@Injectable()
export class PagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * VMs whose name contains `text` (any case) in the daily summaries of `from` to `to`, by their
   * last name there, at most `limit`. The days bound the scan: a page searches a week by default.
   */
  searchVms(text: string, from: string, to: string, limit: number): Promise<VmMatch[]> {
    return this.dataSource.query(
      `SELECT m.vcenter_id AS "vcenterId", v.name AS "vcenterName", m.moref, m.name,
              to_char(m.day, 'YYYY-MM-DD') AS "lastDay"
         FROM (SELECT DISTINCT ON (t.vcenter_id, t.moref) t.vcenter_id, t.moref, t.name, t.day
                 FROM chargeback_daily t
                WHERE t.day BETWEEN $1::date AND $2::date AND t.name ILIKE $3
                ORDER BY t.vcenter_id, t.moref, t.day DESC) m
         LEFT JOIN vcenter v ON v.id = m.vcenter_id
        ORDER BY lower(m.name), m.vcenter_id, m.moref
        LIMIT $4`,
      [from, to, `%${likeLiteral(text)}%`, limit],
    );
  }
}
