import type { EntityKind } from '@vcc/contract';

// The inventory rows that cross to the controller are part of the contract; re-exported for the collector.
export type {
  EntityKind,
  HostConnectionState,
  HostInventory,
  HostPowerState,
  VmInventory,
  VmPowerState,
} from '@vcc/contract';

export const REALTIME_KINDS: readonly EntityKind[] = ['vm', 'host'];
export const HISTORICAL_KINDS: readonly EntityKind[] = ['cluster', 'datastore'];

export interface ClusterInventory {
  moref: string;
  name: string;
  datacenterName: string | null;
}

export interface DatastoreInventory {
  moref: string;
  name: string;
  datacenterName: string | null;
  capacityGb: number;
  freeGb: number;
}
