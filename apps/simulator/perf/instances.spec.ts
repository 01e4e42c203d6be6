import { generateInventory } from '../inventory/inventory.generator';
import { deviceInstances, expandInstance, lunName } from './instances';

describe('expandInstance', () => {
  const vcpus = ['0', '1', '2', '3'];

  it('expands "*" to the aggregate and every instance when the counter has an aggregate', () => {
    expect(expandInstance('*', 'cpu', vcpus)).toEqual(['', '0', '1', '2', '3']);
  });

  it('expands "*" to the instances alone for per-device counters (virtualDisk has no aggregate)', () => {
    expect(expandInstance('*', 'virtualDisk', ['scsi0:0', 'scsi0:1'])).toEqual(['scsi0:0', 'scsi0:1']);
  });

  it('reads "" as the aggregate only, and as nothing where there is no aggregate', () => {
    expect(expandInstance('', 'cpu', vcpus)).toEqual(['']);
    expect(expandInstance('', 'aggregate', [])).toEqual(['']);
    expect(expandInstance('', 'virtualDisk', ['scsi0:0'])).toEqual([]);
  });

  it('filters a specific instance, which must exist', () => {
    expect(expandInstance('2', 'cpu', vcpus)).toEqual(['2']);
    expect(expandInstance('9', 'cpu', vcpus)).toEqual([]);
  });
});

describe('deviceInstances', () => {
  const inventory = generateInventory({
    seed: 3,
    datacenters: 1,
    clustersPerDatacenter: 1,
    hostsPerCluster: 1,
    vmsPerHost: 5,
    datastoresPerCluster: 2,
    poweredOffPercent: 0,
    srmPlaceholderPercent: 0,
    vcloudPercent: 0,
    templatePercent: 0,
  });
  const vm = [...inventory.ofKind('VirtualMachine')][0];
  const host = [...inventory.ofKind('HostSystem')][0];

  it('names a VM instances after its vCPUs, virtual disks, NICs and datastore', () => {
    expect(deviceInstances(vm, 'cpu', inventory)).toEqual(
      Array.from({ length: vm.numCpu }, (_, i) => String(i)),
    );
    expect(deviceInstances(vm, 'virtualDisk', inventory)).toEqual(
      vm.disks.map((d) => `scsi0:${d.unitNumber}`),
    );
    expect(deviceInstances(vm, 'nic', inventory)).toEqual(vm.nics.map((n) => String(n.key)));
    expect(deviceInstances(vm, 'datastore', inventory)).toEqual([
      inventory.require(vm.datastore, 'Datastore').uuid,
    ]);
  });

  it('names host instances after its logical CPUs, physical NICs and datastore LUNs', () => {
    expect(deviceInstances(host, 'cpu', inventory)).toHaveLength(host.cpuThreads);
    expect(deviceInstances(host, 'nic', inventory)).toEqual(['vmnic0', 'vmnic1', 'vmnic2', 'vmnic3']);
    expect(deviceInstances(host, 'lun', inventory)).toEqual(
      host.datastores.map((ds) => lunName(inventory.require(ds, 'Datastore').uuid)),
    );
    expect(lunName('5f1a2b3c-12345678-abcd-001122334455')).toMatch(/^naa\.6[0-9a-f]{31}$/);
  });
});
