import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { INFLUXDB } from './datasources';
import { table, timeseries, variable } from './panels';
import { InfluxQlBuilder } from './queries';

/**
 * The measurements and fields these queries read, as Telegraf's inputs.vsphere writes them (vcc's
 * default `telegraf` schema): `vsphere_<kind>_<group>`, fields `<counter>_<rollup>`, percentages as
 * floats, the aggregate instance tagged `instance-total` under the group's instance tag.
 */
export const VSPHERE = {
  vmCpu: 'vsphere_vm_cpu',
  vmMem: 'vsphere_vm_mem',
  vmNet: 'vsphere_vm_net',
  vmVirtualDisk: 'vsphere_vm_virtualDisk',
  hostCpu: 'vsphere_host_cpu',
  hostMem: 'vsphere_host_mem',
  hostNet: 'vsphere_host_net',
  hostDisk: 'vsphere_host_disk',
  hostDatastore: 'vsphere_host_datastore',
  hostStorageAdapter: 'vsphere_host_storageAdapter',
  hostSys: 'vsphere_host_sys',
  aggregate: 'instance-total',
} as const;

const VM_FILTER = `"vcenter" =~ /^$vcenter$/ AND "clustername" =~ /^$cluster$/ AND "esxhostname" =~ /^$host$/ AND "vmname" =~ /^$vm$/`;
const HOST_FILTER = `"vcenter" =~ /^$vcenter$/ AND "clustername" =~ /^$cluster$/ AND "esxhostname" =~ /^$host$/`;

/** mean(field) per `by` tag over time. */
function series(measurement: string, field: string, filter: string, by: string, extra = ''): InfluxQlBuilder {
  return new InfluxQlBuilder(
    `SELECT mean("${field}") FROM "${measurement}" WHERE ${extra}${filter} AND $timeFilter GROUP BY time($__interval), "${by}" fill(none)`,
  );
}

/** A per-VM figure summed over its virtual disks (rates and queue depths add up across disks). */
function perVmDiskSum(field: string): InfluxQlBuilder {
  return new InfluxQlBuilder(
    `SELECT sum("value") FROM (SELECT mean("${field}") AS "value" FROM "${VSPHERE.vmVirtualDisk}" WHERE ${VM_FILTER} AND $timeFilter GROUP BY time($__interval), "vmname", "disk" fill(none)) WHERE $timeFilter GROUP BY time($__interval), "vmname" fill(none)`,
  );
}

/** The `count` entities with the highest mean of `field` over the range. */
function topN(
  measurement: string,
  field: string,
  filter: string,
  by: string,
  extra = '',
  count = 10,
): InfluxQlBuilder {
  return new InfluxQlBuilder(
    `SELECT top("value", "${by}", ${count}) FROM (SELECT mean("${field}") AS "value" FROM "${measurement}" WHERE ${extra}${filter} AND $timeFilter GROUP BY "${by}")`,
    'table',
  );
}

const cpuTotal = `"cpu" = '${VSPHERE.aggregate}' AND `;
const nicTotal = `"interface" = '${VSPHERE.aggregate}' AND `;

export function vspherePerformanceDashboard(): DashboardBuilder {
  return new DashboardBuilder('vSphere performance (vcc)')
    .uid('vcc-vsphere-performance')
    .description("VMs and hosts from InfluxDB 1.x, in Telegraf inputs.vsphere's schema (vcc's default)")
    .tags(['vcc', 'vsphere', 'influxdb'])
    .time({ from: 'now-3h', to: 'now' })
    .refresh('1m')
    .withVariable(
      variable(
        'vcenter',
        'vCenter',
        INFLUXDB,
        `SHOW TAG VALUES FROM "${VSPHERE.hostCpu}" WITH KEY = "vcenter"`,
      ),
    )
    .withVariable(
      variable(
        'cluster',
        'Cluster',
        INFLUXDB,
        `SHOW TAG VALUES FROM "${VSPHERE.hostCpu}" WITH KEY = "clustername" WHERE "vcenter" =~ /^$vcenter$/`,
      ),
    )
    .withVariable(
      variable(
        'host',
        'Host',
        INFLUXDB,
        `SHOW TAG VALUES FROM "${VSPHERE.hostCpu}" WITH KEY = "esxhostname" WHERE "vcenter" =~ /^$vcenter$/ AND "clustername" =~ /^$cluster$/`,
      ),
    )
    .withVariable(
      variable(
        'vm',
        'VM',
        INFLUXDB,
        `SHOW TAG VALUES FROM "${VSPHERE.vmCpu}" WITH KEY = "vmname" WHERE ${HOST_FILTER}`,
      ),
    )
    .withRow(new RowBuilder('Virtual machines'))
    .withPanel(
      timeseries('VM CPU usage', 'percent', INFLUXDB, [
        series(VSPHERE.vmCpu, 'usage_average', VM_FILTER, 'vmname', cpuTotal),
      ]),
    )
    .withPanel(
      timeseries('VM CPU readiness', 'percent', INFLUXDB, [
        series(VSPHERE.vmCpu, 'readiness_average', VM_FILTER, 'vmname', cpuTotal),
      ]),
    )
    .withPanel(
      timeseries('VM memory usage', 'percent', INFLUXDB, [
        series(VSPHERE.vmMem, 'usage_average', VM_FILTER, 'vmname'),
      ]),
    )
    .withPanel(timeseries('VM disk write rate', 'KBs', INFLUXDB, [perVmDiskSum('write_average')]))
    .withPanel(
      timeseries('VM disk write latency', 'ms', INFLUXDB, [
        series(VSPHERE.vmVirtualDisk, 'totalWriteLatency_average', VM_FILTER, 'vmname'),
      ]),
    )
    .withPanel(
      timeseries('VM outstanding writes and write IOPS', 'short', INFLUXDB, [
        perVmDiskSum('writeOIO_latest').refId('A'),
        perVmDiskSum('numberWriteAveraged_average').refId('B'),
      ]),
    )
    .withPanel(
      timeseries('VM network usage', 'KBs', INFLUXDB, [
        series(VSPHERE.vmNet, 'usage_average', VM_FILTER, 'vmname', nicTotal),
      ]),
    )
    .withPanel(
      table(
        'Top 10 VMs by CPU usage',
        'percent',
        INFLUXDB,
        topN(VSPHERE.vmCpu, 'usage_average', VM_FILTER, 'vmname', cpuTotal),
      ),
    )
    .withPanel(
      table(
        'Top 10 VMs by CPU readiness',
        'percent',
        INFLUXDB,
        topN(VSPHERE.vmCpu, 'readiness_average', VM_FILTER, 'vmname', cpuTotal),
      ),
    )
    .withPanel(
      table(
        'Top 10 VMs by disk write latency',
        'ms',
        INFLUXDB,
        topN(VSPHERE.vmVirtualDisk, 'totalWriteLatency_average', VM_FILTER, 'vmname'),
      ),
    )
    .withRow(new RowBuilder('Hosts'))
    .withPanel(
      timeseries('Host CPU usage', 'percent', INFLUXDB, [
        series(VSPHERE.hostCpu, 'usage_average', HOST_FILTER, 'esxhostname', cpuTotal),
      ]),
    )
    .withPanel(
      timeseries('Host memory usage', 'percent', INFLUXDB, [
        series(VSPHERE.hostMem, 'usage_average', HOST_FILTER, 'esxhostname'),
      ]),
    )
    .withPanel(
      timeseries('Host network received and transmitted', 'KBs', INFLUXDB, [
        series(VSPHERE.hostNet, 'bytesRx_average', HOST_FILTER, 'esxhostname', nicTotal).refId('A'),
        series(VSPHERE.hostNet, 'bytesTx_average', HOST_FILTER, 'esxhostname', nicTotal).refId('B'),
      ]),
    )
    .withPanel(
      timeseries('Host disk latency by LUN', 'ms', INFLUXDB, [
        series(VSPHERE.hostDisk, 'totalReadLatency_average', HOST_FILTER, 'disk').refId('A'),
        series(VSPHERE.hostDisk, 'totalWriteLatency_average', HOST_FILTER, 'disk').refId('B'),
      ]),
    )
    .withPanel(
      timeseries('Storage adapter latency', 'ms', INFLUXDB, [
        series(VSPHERE.hostStorageAdapter, 'totalReadLatency_average', HOST_FILTER, 'adapter').refId('A'),
        series(VSPHERE.hostStorageAdapter, 'totalWriteLatency_average', HOST_FILTER, 'adapter').refId('B'),
      ]),
    )
    .withPanel(
      timeseries('Datastore write latency seen by hosts', 'ms', INFLUXDB, [
        series(VSPHERE.hostDatastore, 'totalWriteLatency_average', HOST_FILTER, 'dsname'),
      ]),
    )
    .withPanel(
      table(
        'Host uptime',
        's',
        INFLUXDB,
        new InfluxQlBuilder(
          `SELECT last("uptime_latest") FROM "${VSPHERE.hostSys}" WHERE ${HOST_FILTER} AND $timeFilter GROUP BY "esxhostname"`,
          'table',
        ),
      ),
    )
    .withPanel(
      table(
        'Top 10 hosts by CPU usage',
        'percent',
        INFLUXDB,
        topN(VSPHERE.hostCpu, 'usage_average', HOST_FILTER, 'esxhostname', cpuTotal),
      ),
    );
}
