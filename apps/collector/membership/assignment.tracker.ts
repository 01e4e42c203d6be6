import type {
  Assignment,
  AssignmentResponse,
  AssignmentView,
  VcenterCredentials,
} from '../controller/controller.types';

/**
 * What the controller last said, and which assignment is in force at a cycle boundary: the latest
 * one from its effectiveFrom, the previous one before it. Every collector of a vCenter switches at
 * the same boundary, so each entity has exactly one owner per cycle. A collector that has not heard
 * from the controller for longer than its lease stops: the controller may already have given its
 * entities to others. An assignment counts only with the credentials of its vCenter: without them
 * there is nothing this collector can do with it.
 */
export class AssignmentTracker {
  private response: AssignmentResponse | undefined;
  private credentials: ReadonlyMap<string, VcenterCredentials> = new Map();
  private lastContactMs = 0;

  /** `sentAtMs`: when the call this answers was sent, the earliest the controller can have renewed the lease. */
  update(
    response: AssignmentResponse,
    credentials: ReadonlyMap<string, VcenterCredentials>,
    sentAtMs: number,
  ): void {
    this.response = response;
    this.credentials = credentials;
    this.lastContactMs = sentAtMs;
  }

  forget(): void {
    this.response = undefined;
    this.credentials = new Map();
  }

  get collectorId(): string | undefined {
    return this.response?.collectorId;
  }

  get heartbeatIntervalSeconds(): number | undefined {
    return this.response?.heartbeatIntervalSeconds;
  }

  get leaseTtlSeconds(): number | undefined {
    return this.response?.leaseTtlSeconds;
  }

  get latest(): Assignment | null {
    return this.withCredentials(this.response?.assignment ?? null);
  }

  /** True while the lease, as far as this collector knows, may have expired. */
  fenced(nowMs: number): boolean {
    if (!this.response) return true;
    return nowMs - this.lastContactMs > this.response.leaseTtlSeconds * 1000;
  }

  /** The assignment in force at `boundaryMs`, or null when nothing is to be collected then. */
  at(boundaryMs: number): Assignment | null {
    const response = this.response;
    if (!response) return null;
    const latest = response.assignment;
    if (latest && boundaryMs >= Date.parse(latest.effectiveFrom)) return this.withCredentials(latest);
    const previous = response.previous;
    if (previous && boundaryMs >= Date.parse(previous.effectiveFrom)) return this.withCredentials(previous);
    return null;
  }

  private withCredentials(view: AssignmentView | null): Assignment | null {
    const credentials = view && this.credentials.get(view.vcenter.id);
    if (!view || !credentials) return null;
    const { credentialVersion: _version, ...vcenter } = view.vcenter;
    return {
      ...view,
      vcenter: { ...vcenter, username: credentials.username, password: credentials.password },
    };
  }
}
