import { Injectable } from '@nestjs/common';
import { InventoryService } from '../inventory/inventory.service';
import type { Session, SessionObject } from '../session/session';
import type { Moref } from '../soap/xml';
import { entityTypes } from './entity-types';
import type { DataType } from './vim-types';

type Resolver = (session: Session | undefined) => { schema: DataType; record: unknown };

// Supertypes of the types the simulator serves: PropertySpec.type, TraversalSpec.type and
// ContainerView.type may name them (ManagedEntity matches every inventory object).
const SUPERTYPES: Record<string, string[]> = {
  Folder: ['ManagedEntity', 'ExtensibleManagedObject'],
  Datacenter: ['ManagedEntity', 'ExtensibleManagedObject'],
  ClusterComputeResource: ['ComputeResource', 'ManagedEntity', 'ExtensibleManagedObject'],
  HostSystem: ['ManagedEntity', 'ExtensibleManagedObject'],
  ResourcePool: ['ManagedEntity', 'ExtensibleManagedObject'],
  VirtualMachine: ['ManagedEntity', 'ExtensibleManagedObject'],
  Datastore: ['ManagedEntity', 'ExtensibleManagedObject'],
  Network: ['ManagedEntity', 'ExtensibleManagedObject'],
  ContainerView: ['ManagedObjectView', 'View'],
  EventHistoryCollector: ['HistoryCollector'],
  OptionManager: [],
};

export function isA(type: string, wanted: string): boolean {
  return type === wanted || (SUPERTYPES[type]?.includes(wanted) ?? false);
}

/**
 * Finds the managed object behind a moref, for the PropertyCollector: inventory entities, the
 * singletons other services register (ServiceInstance, PerfMgr…), and the caller's session objects.
 */
@Injectable()
export class ObjectDirectory {
  private readonly singletons = new Map<string, { type: string; resolve: Resolver }>();
  private readonly entitySchemas: Record<string, DataType>;

  constructor(private readonly inventory: InventoryService) {
    this.entitySchemas = entityTypes(inventory.inventory);
  }

  register(type: string, value: string, resolve: Resolver): void {
    this.singletons.set(value, { type, resolve });
  }

  resolve(ref: Moref, session: Session | undefined): SessionObject | undefined {
    const entity = this.inventory.inventory.get(ref.value);
    if (entity)
      return entity.kind === ref.type
        ? { type: entity.kind, schema: this.entitySchemas[entity.kind], record: entity }
        : undefined;
    const singleton = this.singletons.get(ref.value);
    if (singleton)
      return singleton.type === ref.type
        ? { type: singleton.type, ...singleton.resolve(session) }
        : undefined;
    const owned = session?.objects.get(ref.value);
    return owned?.type === ref.type ? owned : undefined;
  }
}
