import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** A time series panel of the given targets, a third of the width. */
export function timeseries(
  title: string,
  unit: string,
  datasource: DataSourceRef,
  targets: Builder<Dataquery>[],
  width = 8,
): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .unit(unit)
    .datasource(datasource)
    .targets(targets)
    .height(8)
    .span(width);
}

/** A table panel (top-N lists, totals). */
export function table(
  title: string,
  unit: string,
  datasource: DataSourceRef,
  target: Builder<Dataquery>,
  width = 8,
): TablePanel {
  return new TablePanel()
    .title(title)
    .unit(unit)
    .datasource(datasource)
    .withTarget(target)
    .height(8)
    .span(width);
}

/** A variable filled by a query, one value or all (`.*` for the regex filters the queries use). */
export function variable(
  name: string,
  label: string,
  datasource: DataSourceRef,
  query: string,
): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue('.*');
}
