import {
  Inventory,
  ROOT_FOLDER,
  type ClusterRecord,
  type DatacenterRecord,
  type DatastoreRecord,
  type FolderRecord,
  type HostRecord,
  type NetworkRecord,
  type ResourcePoolRecord,
  type VmRecord,
} from './inventory.model';
import {
  CITIES,
  DATASTORE_TB,
  ENVIRONMENTS,
  GUESTS,
  HOST_CPUS,
  HOST_MEMORY_GB,
  HOST_MODELS,
  MEMORY_GB,
  POOLS,
  ROLES,
  TENANTS,
  VCPUS,
} from './names';
import { SeededRandom } from './random';

export interface InventoryOptions {
  seed: number;
  datacenters: number;
  clustersPerDatacenter: number;
  hostsPerCluster: number;
  vmsPerHost: number;
  datastoresPerCluster: number;
  poweredOffPercent: number;
  templatePercent: number;
  srmPlaceholderPercent: number;
  vcloudPercent: number;
}

const GB = 1024 ** 3;
const DAY_MS = 86_400_000;
/** Creation dates and boot times are spread back from this fixed instant, so they depend on the seed only. */
const GENERATED_AT = Date.UTC(2025, 0, 1);

/**
 * Builds the inventory a seed and counts describe: datacenters with vm/host/datastore/network
 * folders, tenant folders with prod/test/dev subfolders, clusters with resource pools Tin, Bronze,
 * Silver and Gold, hosts sharing the cluster's datastores, and VMs (some powered off, some templates).
 * The same options always give the same inventory, down to UUIDs and dates.
 */
export function generateInventory(options: InventoryOptions): Inventory {
  const random = new SeededRandom(options.seed);
  const inventory = new Inventory({
    kind: 'Folder',
    moref: ROOT_FOLDER,
    name: 'Datacenters',
    childType: ['Folder', 'Datacenter'],
    children: [],
  });
  const names = new VmNamer();
  // Which VMs SRM or vCD manage is drawn from a stream of its own, so that the rest of the inventory
  // is the same whatever the shares.
  const management = new SeededRandom(options.seed ^ 0x5eed5eed);
  for (let d = 0; d < options.datacenters; d++) {
    const [city, code] = CITIES[d % CITIES.length];
    const round = Math.floor(d / CITIES.length);
    const dcName = round ? `${city}-${round + 1}` : city;
    const dcCode = round ? `${code}${round + 1}` : code;
    const dcMoref = inventory.nextMoref('datacenter-');
    const folder = (prefix: string, name: string, parent: string, childType: string[]): FolderRecord => {
      const record = inventory.add<FolderRecord>({
        kind: 'Folder',
        moref: inventory.nextMoref(prefix),
        name,
        parent,
        childType,
        children: [],
      });
      const parentRecord = inventory.get(parent);
      if (parentRecord?.kind === 'Folder') parentRecord.children.push(record.moref);
      return record;
    };
    const vmFolder = folder('group-v', 'vm', dcMoref, ['Folder', 'VirtualMachine', 'VirtualApp']);
    const hostFolder = folder('group-h', 'host', dcMoref, ['Folder', 'ComputeResource']);
    const datastoreFolder = folder('group-s', 'datastore', dcMoref, ['Folder', 'Datastore', 'StoragePod']);
    const networkFolder = folder('group-n', 'network', dcMoref, [
      'Folder',
      'Network',
      'DistributedVirtualSwitch',
    ]);
    const datacenter = inventory.add<DatacenterRecord>({
      kind: 'Datacenter',
      moref: dcMoref,
      name: dcName,
      parent: ROOT_FOLDER,
      vmFolder: vmFolder.moref,
      hostFolder: hostFolder.moref,
      datastoreFolder: datastoreFolder.moref,
      networkFolder: networkFolder.moref,
      datastores: [],
      networks: [],
    });
    inventory.rootFolder.children.push(dcMoref);

    const vmFolderChildTypes = ['Folder', 'VirtualMachine', 'VirtualApp'];
    const folders = new Map<string, string>();
    for (const tenant of TENANTS) {
      const tenantFolder = folder('group-v', tenant, vmFolder.moref, vmFolderChildTypes);
      for (const env of new Set(ENVIRONMENTS))
        folders.set(`${tenant}/${env}`, folder('group-v', env, tenantFolder.moref, vmFolderChildTypes).moref);
    }
    const templatesFolder = folder('group-v', 'Templates', vmFolder.moref, vmFolderChildTypes);

    const network = inventory.add<NetworkRecord>({
      kind: 'Network',
      moref: inventory.nextMoref('network-'),
      name: 'VM Network',
      parent: networkFolder.moref,
      hosts: [],
      vms: [],
    });
    networkFolder.children.push(network.moref);
    datacenter.networks.push(network.moref);

    for (let c = 1; c <= options.clustersPerDatacenter; c++) {
      const clusterCode = `c${pad(c, 2)}`;
      const cluster = inventory.add<ClusterRecord>({
        kind: 'ClusterComputeResource',
        moref: inventory.nextMoref('domain-c'),
        name: `${dcCode.toUpperCase()}-CL${pad(c, 2)}`,
        parent: hostFolder.moref,
        datacenter: dcMoref,
        hosts: [],
        resourcePool: '',
        datastores: [],
        networks: [network.moref],
      });
      hostFolder.children.push(cluster.moref);
      const rootPool = inventory.add<ResourcePoolRecord>({
        kind: 'ResourcePool',
        moref: inventory.nextMoref('resgroup-'),
        name: 'Resources',
        parent: cluster.moref,
        owner: cluster.moref,
        pools: [],
        vms: [],
      });
      cluster.resourcePool = rootPool.moref;
      const pools = POOLS.map(([name]) => {
        const pool = inventory.add<ResourcePoolRecord>({
          kind: 'ResourcePool',
          moref: inventory.nextMoref('resgroup-'),
          name,
          parent: rootPool.moref,
          owner: cluster.moref,
          pools: [],
          vms: [],
        });
        rootPool.pools.push(pool.moref);
        return pool;
      });

      const datastores: DatastoreRecord[] = [];
      for (let s = 1; s <= options.datastoresPerCluster; s++) {
        const datastore = inventory.add<DatastoreRecord>({
          kind: 'Datastore',
          moref: inventory.nextMoref('datastore-'),
          name: `${dcCode}-${clusterCode}-ds${pad(s, 2)}`,
          parent: datastoreFolder.moref,
          datacenter: dcMoref,
          uuid: `${random.hex(8)}-${random.hex(8)}-${random.hex(4)}-${random.hex(12)}`,
          capacityBytes: 0,
          freeBytes: 0,
          hosts: [],
          vms: [],
        });
        datastoreFolder.children.push(datastore.moref);
        datacenter.datastores.push(datastore.moref);
        cluster.datastores.push(datastore.moref);
        datastores.push(datastore);
      }

      const [vendor, model] = random.pick(HOST_MODELS);
      const [cpuModel, cpuMhz, coresPerSocket] = random.pick(HOST_CPUS);
      const memoryGb = random.pick(HOST_MEMORY_GB);
      for (let h = 1; h <= options.hostsPerCluster; h++) {
        const host = inventory.add<HostRecord>({
          kind: 'HostSystem',
          moref: inventory.nextMoref('host-'),
          name: `esx-${dcCode}-${clusterCode}-${pad(h, 2)}.corp.example.com`,
          parent: cluster.moref,
          datacenter: dcMoref,
          vms: [],
          datastores: datastores.map((ds) => ds.moref),
          networks: [network.moref],
          vendor,
          model,
          uuid: uuid(random, ''),
          cpuModel,
          cpuMhz,
          cpuPkgs: 2,
          cpuCores: 2 * coresPerSocket,
          cpuThreads: 4 * coresPerSocket,
          memoryBytes: memoryGb * GB,
          nics: 4,
          bootTime: GENERATED_AT - random.int(1, 90) * DAY_MS,
        });
        cluster.hosts.push(host.moref);
        network.hosts.push(host.moref);
        for (const ds of datastores) ds.hosts.push(host.moref);

        for (let v = 0; v < options.vmsPerHost; v++) {
          const template = random.chance(options.templatePercent);
          const guest = random.pick(GUESTS);
          const tenant = random.pick(TENANTS);
          const env = random.pick(ENVIRONMENTS);
          const role = random.pick(ROLES);
          const vm = buildVm(inventory, random, {
            name: template ? names.next(`tpl-${guest[2]}`) : names.next(`${tenant}-${env}-${role}`),
            folder: template ? templatesFolder.moref : folders.get(`${tenant}/${env}`)!,
            pool: template ? undefined : weightedPool(random, pools),
            host,
            datastore: random.pick(datastores),
            network: network.moref,
            guest,
            powerState: template || random.chance(options.poweredOffPercent) ? 'poweredOff' : 'poweredOn',
            template,
            createDate: GENERATED_AT - random.int(1, 3 * 365) * DAY_MS - random.int(0, DAY_MS - 1),
          });
          if (vm.powerState === 'poweredOn')
            vm.bootTime = Math.max(vm.createDate, GENERATED_AT - random.int(0, 60 * DAY_MS));
          manage(vm, management, options);
        }
      }
      for (const ds of datastores) sizeDatastore(inventory, ds, random);
    }
  }
  return inventory;
}

export interface VmPlacement {
  name: string;
  folder: string;
  pool: ResourcePoolRecord | undefined;
  host: HostRecord;
  datastore: DatastoreRecord;
  network: string;
  guest: readonly [id: string, fullName: string, short: string];
  powerState: VmRecord['powerState'];
  template: boolean;
  createDate: number;
  creating?: boolean;
}

/** Adds a VM with random hardware at the given place, linking it into its folder, pool, host, datastore and network. */
export function buildVm(inventory: Inventory, random: SeededRandom, place: VmPlacement): VmRecord {
  const numCpu = random.pick(VCPUS);
  const disks = Array.from({ length: random.int(1, 3) }, (_, unit) => {
    const capacityKb = (unit === 0 ? random.int(40, 100) : random.int(50, 1000)) * 1024 * 1024;
    const thin = random.chance(60);
    const committedKb = thin ? Math.round(capacityKb * (0.2 + 0.7 * random.next())) : capacityKb;
    return { key: 2000 + unit, unitNumber: unit, capacityKb, committedKb, thin };
  });
  const nics = Array.from({ length: random.chance(80) ? 1 : 2 }, (_, index) => ({
    key: 4000 + index,
    macAddress: `00:50:56:${random.hex(2)}:${random.hex(2)}:${random.hex(2)}`,
  }));
  const vm = inventory.add<VmRecord>({
    kind: 'VirtualMachine',
    moref: inventory.nextMoref('vm-'),
    name: place.name,
    parent: place.folder,
    resourcePool: place.pool?.moref,
    host: place.host.moref,
    datastore: place.datastore.moref,
    network: place.network,
    powerState: place.powerState,
    template: place.template,
    numCpu,
    coresPerSocket: numCpu >= 4 && random.chance(50) ? numCpu / 2 : 1,
    memoryMb: random.pick(MEMORY_GB) * 1024,
    uuid: uuid(random, '42'),
    instanceUuid: uuid(random, '50'),
    createDate: place.createDate,
    guestId: place.guest[0],
    guestFullName: place.guest[1],
    disks,
    nics,
    creating: place.creating ?? false,
    extraConfig: [],
  });
  inventory.require(place.folder, 'Folder').children.push(vm.moref);
  place.pool?.vms.push(vm.moref);
  place.host.vms.push(vm.moref);
  place.datastore.vms.push(vm.moref);
  inventory.require(place.network, 'Network').vms.push(vm.moref);
  return vm;
}

/**
 * Makes some VMs Site Recovery Manager placeholders (powered off: they cannot run until a recovery)
 * and gives some others to vCloud Director, which marks them and keeps its id in `cloud.uuid`.
 */
function manage(vm: VmRecord, random: SeededRandom, options: InventoryOptions): void {
  if (random.chance(options.srmPlaceholderPercent)) {
    vm.managedBy = { extensionKey: 'com.vmware.vcDr', type: 'placeholderVm' };
    vm.powerState = 'poweredOff';
    vm.bootTime = undefined;
  } else if (!vm.template && random.chance(options.vcloudPercent)) {
    vm.managedBy = { extensionKey: 'com.vmware.vcloud', type: 'vm' };
    vm.extraConfig.push(['cloud.uuid', uuid(random, '')]);
  }
}

/** Unique VM names per prefix: acme-prod-web-0001, acme-prod-web-0002, … */
class VmNamer {
  private readonly counts = new Map<string, number>();

  next(prefix: string): string {
    const count = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, count);
    return `${prefix}-${pad(count, 4)}`;
  }
}

function weightedPool(random: SeededRandom, pools: ResourcePoolRecord[]): ResourcePoolRecord {
  const total = POOLS.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (let i = 0; i < POOLS.length; i++) {
    roll -= POOLS[i][1];
    if (roll < 0) return pools[i];
  }
  return pools[pools.length - 1];
}

/** Committed bytes of a VM on its datastore: its disks, plus a swap file the size of its memory while it runs. */
export function vmCommittedBytes(vm: VmRecord): number {
  const disks = vm.disks.reduce((sum, disk) => sum + disk.committedKb * 1024, 0);
  return disks + (vm.powerState === 'poweredOn' ? vm.memoryMb * 1024 * 1024 : 0);
}

export function vmUncommittedBytes(vm: VmRecord): number {
  return vm.disks.reduce((sum, disk) => sum + (disk.capacityKb - disk.committedKb) * 1024, 0);
}

function sizeDatastore(inventory: Inventory, datastore: DatastoreRecord, random: SeededRandom): void {
  const used = datastore.vms.reduce(
    (sum, moref) => sum + vmCommittedBytes(inventory.require(moref, 'VirtualMachine')),
    0,
  );
  const options = DATASTORE_TB.map((tb) => tb * 1024 * GB).filter((bytes) => bytes >= used * 1.3);
  datastore.capacityBytes = options.length
    ? random.pick(options)
    : Math.ceil((used * 1.5) / (1024 * GB)) * 1024 * GB;
  datastore.freeBytes = datastore.capacityBytes - used;
}

function uuid(random: SeededRandom, prefix: string): string {
  const head = prefix + random.hex(8 - prefix.length);
  return `${head}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
