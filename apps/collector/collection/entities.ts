import { owns } from '@vcc/sharding';
import { entityTags, type EntityKind, type EntityTags, type Inventory, type LineSchema } from '@vcc/vsphere';

/** An entity this collector queries, with its line-protocol tags rendered once. */
export interface CollectEntity {
  moref: string;
  kind: EntityKind;
  /** The vSphere type, for the QueryPerf spec. */
  type: 'VirtualMachine' | 'HostSystem' | 'ClusterComputeResource' | 'Datastore';
  path: string;
  tags: EntityTags;
  /** When a VM or host was powered on (vCenter's runtime.bootTime), in epoch seconds: its realtime samples start there. */
  bootTime: number | null;
}

export interface Filters {
  include: string[];
  exclude: string[];
}

/** Inventory-path globs as vCenter's UI shows paths: `*` stays inside a segment, `**` crosses them. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      pattern += '.*';
      i++;
    } else if (char === '*') pattern += '[^/]*';
    else if (char === '?') pattern += '[^/]';
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

export function pathFilter(filters: Filters): (path: string) => boolean {
  const include = filters.include.map(globToRegExp);
  const exclude = filters.exclude.map(globToRegExp);
  return (path) =>
    (include.length === 0 || include.some((r) => r.test(path))) && !exclude.some((r) => r.test(path));
}

function joinPath(...parts: (string | null)[]): string {
  return `/${parts.filter((p) => p !== null && p !== '').join('/')}`;
}

/**
 * The tags of one entity in a schema. Telegraf's (populateTags and getVMs in
 * plugins/inputs/vsphere/endpoint.go): `vcenter`, `moid`, `source` (the entity's name), the name
 * under its kind's key (vmname, esxhostname, clustername, dsname), the parent's name (a VM's
 * esxhostname, a host's clustername, a cluster's dcname), `dcname`, and on VMs clustername, rpname,
 * `guest` (config.guestId without its "Guest" suffix, cleanGuestID) and `uuid` (config.uuid).
 * vcc's has no source, guest or uuid.
 */
function tagsFor(
  schema: LineSchema,
  tags: Record<string, string | null>,
  telegrafOnly: Record<string, string | null>,
): EntityTags {
  return entityTags(schema === 'telegraf' ? { ...tags, ...telegrafOnly } : tags);
}

/** Every entity of the inventory that can have performance data, with its tags and inventory path. */
export function allEntities(inventory: Inventory, vcenter: string, schema: LineSchema): CollectEntity[] {
  const entities: CollectEntity[] = [];
  const bootTime = (moref: string): number | null => {
    const ms = inventory.bootTimeByMoref.get(moref);
    return ms === undefined ? null : Math.floor(ms / 1000);
  };
  for (const vm of inventory.vms) {
    // Powered-off VMs and templates have no performance data; they stay in inventory snapshots.
    if (vm.powerState !== 'poweredOn' || vm.template) continue;
    entities.push({
      moref: vm.moref,
      kind: 'vm',
      type: 'VirtualMachine',
      path: joinPath(vm.datacenterName, 'vm', vm.folderPath, vm.name),
      bootTime: bootTime(vm.moref),
      tags: tagsFor(
        schema,
        {
          vcenter,
          moid: vm.moref,
          vmname: vm.name,
          dcname: vm.datacenterName,
          clustername: vm.clusterName,
          esxhostname: vm.hostName,
          rpname: vm.resourcePoolName,
        },
        {
          source: vm.name,
          guest: inventory.guestIdByMoref.get(vm.moref)?.replace(/Guest$/, '') ?? null,
          uuid: vm.uuid,
        },
      ),
    });
  }
  for (const host of inventory.hosts) {
    if (host.connectionState !== 'connected' || host.powerState !== 'poweredOn') continue;
    entities.push({
      moref: host.moref,
      kind: 'host',
      type: 'HostSystem',
      path: joinPath(host.datacenterName, 'host', host.clusterName, host.name),
      bootTime: bootTime(host.moref),
      tags: tagsFor(
        schema,
        {
          vcenter,
          moid: host.moref,
          esxhostname: host.name,
          dcname: host.datacenterName,
          clustername: host.clusterName,
        },
        { source: host.name },
      ),
    });
  }
  for (const cluster of inventory.clusters) {
    entities.push({
      moref: cluster.moref,
      kind: 'cluster',
      type: 'ClusterComputeResource',
      path: joinPath(cluster.datacenterName, 'host', cluster.name),
      bootTime: null,
      tags: tagsFor(
        schema,
        { vcenter, moid: cluster.moref, clustername: cluster.name, dcname: cluster.datacenterName },
        { source: cluster.name },
      ),
    });
  }
  for (const datastore of inventory.datastores) {
    entities.push({
      moref: datastore.moref,
      kind: 'datastore',
      type: 'Datastore',
      path: joinPath(datastore.datacenterName, 'datastore', datastore.name),
      bootTime: null,
      tags: tagsFor(
        schema,
        { vcenter, moid: datastore.moref, dsname: datastore.name, dcname: datastore.datacenterName },
        { source: datastore.name },
      ),
    });
  }
  return entities;
}

/** The entities of the given kinds this collector owns: `shardOf(moref, groupCount) ∈ groupIndices`, after the filters. */
export function ownedEntities(
  entities: CollectEntity[],
  kinds: readonly EntityKind[],
  groupIndices: readonly number[],
  groupCount: number,
  filters: Filters,
): CollectEntity[] {
  const allowed = pathFilter(filters);
  return entities.filter(
    (e) => kinds.includes(e.kind) && owns(e.moref, groupIndices, groupCount) && allowed(e.path),
  );
}
