import { Injectable, Logger } from '@nestjs/common';
import { SimulatorConfig } from '@vcc/config';
import { generateInventory } from './inventory.generator';
import type { Inventory } from './inventory.model';

/** Holds the simulated vCenter's inventory, generated at start from the configured seed and counts. */
@Injectable()
export class InventoryService {
  readonly inventory: Inventory;

  constructor(config: SimulatorConfig) {
    const started = performance.now();
    this.inventory = generateInventory(config.inventory);
    const counts = new Map<string, number>();
    for (const record of this.inventory.entities.values())
      counts.set(record.kind, (counts.get(record.kind) ?? 0) + 1);
    new Logger('Inventory').log(
      `generated inventory with seed ${config.inventory.seed} in ${Math.round(performance.now() - started)} ms: ` +
        `${counts.get('VirtualMachine') ?? 0} VMs, ${counts.get('HostSystem') ?? 0} hosts, ` +
        `${counts.get('ClusterComputeResource') ?? 0} clusters, ${counts.get('Datastore') ?? 0} datastores, ` +
        `${counts.get('Datacenter') ?? 0} datacenters`,
    );
  }
}
