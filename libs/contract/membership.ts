import type { EntityKind } from './inventory';

/** Counters to collect per entity kind, as `group.name.rollup`. */
export type VcenterCounters = Record<EntityKind, string[]>;

export interface VcenterTls {
  /** Accept any certificate (lab use). */
  insecure: boolean;
  /** PEM file of the CA that signed vCenter's certificate, on the collector host. */
  caFile: string | null;
}

/** Inventory path patterns: an entity is collected when it matches an include (or there are none) and no exclude. */
export interface VcenterFilters {
  include: string[];
  exclude: string[];
}

/**
 * A vCenter as its collectors see it in an assignment: where and what to collect, never how to log
 * in. The credentials come from their own route, fetched again only when `credentialVersion` moves.
 */
export interface VcenterConnectionView {
  id: string;
  name: string;
  sdkUrl: string;
  tls: VcenterTls;
  counters: VcenterCounters;
  filters: VcenterFilters;
  /** Bumped whenever the user name or password changes. */
  credentialVersion: number;
}

/** The answer of `GET /api/v1/collectors/{id}/credentials/{vcenterId}`: the one response carrying a password. */
export interface VcenterCredentials {
  vcenterId: string;
  credentialVersion: number;
  username: string;
  password: string;
}

/**
 * What a collector does from `effectiveFrom`: keep the entities of the vCenter whose
 * `hash(moref) mod groupCount` is one of `groupIndices`. Versioned by the vCenter's epoch.
 */
export interface AssignmentTerms {
  vcenterId: string;
  epoch: number;
  /** ISO time of a cycle boundary. */
  effectiveFrom: string;
  groupIndices: number[];
  groupCount: number;
  paused: boolean;
  /** This collector's share of the vCenter's in-flight request budget. */
  requestBudget: number;
  realtimeIntervalSeconds: number;
  historicalIntervalSeconds: number;
}

/**
 * Every realtime sample of the entities with `hash(moref) mod groupCount == groupIndex` on the
 * vCenter was acknowledged by the sinks up to `writtenUpTo`, as their owner last reported. The
 * controller keeps the newest report per group (whatever the group count was then), so the marks
 * outlive the collector that reported them.
 */
export interface GroupWatermark {
  vcenterId: string;
  groupCount: number;
  groupIndex: number;
  /** ISO time of a realtime sample (vCenter's clock). */
  writtenUpTo: string;
}

export interface AssignmentView extends Omit<AssignmentTerms, 'vcenterId'> {
  /** The first of groupIndices, for the usual weight of 1. */
  groupIndex: number | null;
  vcenter: VcenterConnectionView;
  /**
   * The vCenter's group watermarks. An entity is written up to the newest mark of any group it
   * falls in: a new owner backfills it from there, even when the owner that wrote it is long gone.
   * Absent from controllers older than the field (a collector upgraded first).
   */
  watermarks?: GroupWatermark[];
}

/** The answer to heartbeat: the assignment collectors follow. */
export interface AssignmentResponse {
  collectorId: string;
  state: 'active' | 'draining';
  /** The controller's (database's) clock, to spot clock skew. */
  serverTime: string;
  leaseTtlSeconds: number;
  heartbeatIntervalSeconds: number;
  /** The latest assignment, in force from its effectiveFrom. */
  assignment: AssignmentView | null;
  /** The assignment in force until assignment.effectiveFrom. */
  previous: AssignmentView | null;
}

/** The answer to registration: the assignment, and the secret the collector proves its id with. */
export interface RegistrationResponse extends AssignmentResponse {
  /** Sent back in {@link COLLECTOR_SECRET_HEADER} on every call about this collector; shown once. */
  secret: string;
}

/** Header carrying a collector's secret on its heartbeat, credentials and deregistration calls. */
export const COLLECTOR_SECRET_HEADER = 'x-collector-secret';

export interface RegisterRequest {
  name: string;
  instanceId?: string;
  version: string;
  capacity?: number;
  preferredVcenter?: string;
}

/** The last finished cycle, reported with the next heartbeat. */
export interface CycleStats {
  /** Boundary at which the reported cycle started. */
  cycleStart: string;
  entitiesAssigned: number;
  entitiesCollected: number;
  points: number;
  durationMs: number;
  /** Failed vCenter or sink requests. */
  errors: number;
  /**
   * Per group index held at the reported cycle: the oldest realtime sample time up to which every
   * owned entity of the group is written (for one not written yet, where its backfill starts).
   */
  watermarks?: GroupWatermark[];
}

export interface HeartbeatRequest {
  stats?: CycleStats;
}

/**
 * Why the controller no longer knows a collector, sent as `gone` in the 404 or 410 of its
 * heartbeat. Only `drained` means stop; on the others the collector registers again.
 */
export enum CollectorGone {
  /** An admin drained it. */
  Drained = 'drained',
  /** Its lease ran out after missed heartbeats. */
  Expired = 'expired',
  /** No live registration with this id: it deregistered, a newer registration replaced it, or it never existed. */
  Unknown = 'unknown',
}

export interface CollectorGoneResponse {
  statusCode: number;
  message: string;
  gone: CollectorGone;
}
