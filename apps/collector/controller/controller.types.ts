import type { HostInventory, VmInventory } from '@vcc/vsphere';

// The controller's contract (see the README's "Controller API" and /api/docs), as the collector reads it.

export interface VcenterConnection {
  id: string;
  name: string;
  sdkUrl: string;
  username: string;
  password: string;
  tls: { insecure: boolean; caFile: string | null };
  counters: { vm: string[]; host: string[]; cluster: string[]; datastore: string[] };
  filters: { include: string[]; exclude: string[] };
}

export interface Assignment {
  epoch: number;
  effectiveFrom: string;
  groupIndices: number[];
  groupIndex: number | null;
  groupCount: number;
  paused: boolean;
  requestBudget: number;
  realtimeIntervalSeconds: number;
  historicalIntervalSeconds: number;
  vcenter: VcenterConnection;
}

export interface AssignmentResponse {
  collectorId: string;
  state: 'active' | 'draining';
  serverTime: string;
  leaseTtlSeconds: number;
  heartbeatIntervalSeconds: number;
  assignment: Assignment | null;
  previous: Assignment | null;
}

export interface CycleStats {
  cycleStart: string;
  entitiesAssigned: number;
  entitiesCollected: number;
  points: number;
  durationMs: number;
  errors: number;
}

export interface SnapshotShard {
  vcenter: string;
  snapshotTime: string;
  epoch: number;
  groupIndex: number;
  groupCount: number;
  vms: VmInventory[];
  hosts: HostInventory[];
}

export interface EventRow {
  key: number;
  chainId: number;
  type: string;
  createdTime: string;
  userName: string | null;
  fullMessage: string | null;
  datacenter: { moref: string; name: string } | null;
  cluster: { moref: string; name: string } | null;
  host: { moref: string; name: string } | null;
  vm: { moref: string; name: string } | null;
  fields: Record<string, unknown>;
}
