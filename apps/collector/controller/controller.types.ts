import type { AssignmentView, VcenterConnectionView } from '@vcc/contract';

// The controller's contract lives in libs/contract; these are the collector's own views of it.
export type {
  AssignmentResponse,
  AssignmentView,
  CycleStats,
  EventRow,
  RegisterRequest,
  RegistrationResponse,
  SnapshotShard,
  VcenterCredentials,
} from '@vcc/contract';

/** A vCenter to log in to: its connection view with the credentials fetched for it. */
export interface VcenterConnection extends Omit<VcenterConnectionView, 'credentialVersion'> {
  username: string;
  password: string;
}

/** An assignment the collector can act on: its vCenter with credentials. */
export interface Assignment extends Omit<AssignmentView, 'vcenter'> {
  vcenter: VcenterConnection;
}
