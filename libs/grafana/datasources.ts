import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * The data sources the dashboards name, by the uid the provisioning file gives them
 * (grafana/provisioning/datasources/vcc.yaml): provision them under these uids, or change them here
 * and run `npm run dashboards`.
 */
export const INFLUXDB: DataSourceRef = { type: 'influxdb', uid: 'vcc-influxdb' };
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'vcc-prometheus' };
export const POSTGRES: DataSourceRef = { type: 'grafana-postgresql-datasource', uid: 'vcc-postgres' };
