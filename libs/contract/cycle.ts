/**
 * The first cycle boundary at or after `timeMs`. Boundaries are wall-clock multiples of the
 * interval counted from the Unix epoch (UTC), so every collector of a vCenter, whatever its start
 * time, switches assignments and starts cycles at the same instants.
 */
export function boundaryAtOrAfter(timeMs: number, intervalSeconds: number): number {
  const intervalMs = intervalSeconds * 1000;
  return Math.ceil(timeMs / intervalMs) * intervalMs;
}

/**
 * How long a collector's lease lasts after its last heartbeat: the controller expires it then, and
 * a collector that has not reached the controller for as long stops collecting (fencing), since its
 * entities may already be someone else's.
 */
export function leaseTtlSeconds(heartbeatIntervalSeconds: number, missedHeartbeats: number): number {
  return heartbeatIntervalSeconds * missedHeartbeats;
}
