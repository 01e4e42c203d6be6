import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';

/**
 * Raw InfluxQL and SQL targets. The foundation SDK has builders for Prometheus but none for
 * Grafana's InfluxDB and PostgreSQL data sources, so these two follow its documented pattern for a
 * custom query type (a Dataquery variant and its Builder), with the fields those data sources read
 * from a raw query.
 */
export interface InfluxQlQuery extends Dataquery {
  refId?: string;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
}

export interface SqlQuery extends Dataquery {
  refId?: string;
  rawSql: string;
  rawQuery: true;
  editorMode: 'code';
  format: 'time_series' | 'table';
}

export class InfluxQlBuilder implements Builder<Dataquery> {
  private readonly internal: InfluxQlQuery;

  constructor(query: string, resultFormat: InfluxQlQuery['resultFormat'] = 'time_series') {
    this.internal = { query, rawQuery: true, resultFormat, _implementsDataqueryVariant() {} };
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  build(): InfluxQlQuery {
    return this.internal;
  }
}

export class SqlBuilder implements Builder<Dataquery> {
  private readonly internal: SqlQuery;

  constructor(rawSql: string, format: SqlQuery['format'] = 'time_series') {
    this.internal = { rawSql, rawQuery: true, editorMode: 'code', format, _implementsDataqueryVariant() {} };
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  build(): SqlQuery {
    return this.internal;
  }
}
