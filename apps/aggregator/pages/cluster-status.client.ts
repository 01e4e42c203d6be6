import { Injectable } from '@nestjs/common';
import { AggregatorConfig } from '@vcc/config';

/** The parts of the controller's GET /api/v1/cluster/status that the cluster page shows. */
export interface ClusterStatus {
  generatedAt: string;
  heartbeatIntervalSeconds: number;
  leaseTtlSeconds: number;
  vcenters: {
    id: string;
    name: string;
    paused: boolean;
    epoch: number;
    groupCount: number;
    members: {
      collectorId: string;
      name: string;
      version: string;
      state: string;
      weight: number;
      groupIndices: number[];
      leaseAgeSeconds: number;
      stale: boolean;
      lastCycle: {
        cycleStart: string;
        entitiesAssigned: number;
        entitiesCollected: number;
        points: number;
        durationMs: number;
        errors: number;
      } | null;
    }[];
    coverage: { entitiesAssigned: number; entitiesCollected: number; ratio: number | null };
    staleMembers: string[];
  }[];
  unplaced: { collectorId: string; name: string; leaseAgeSeconds: number }[];
}

export type ClusterStatusResult =
  { state: 'not-configured' } | { state: 'failed'; error: string } | { state: 'ok'; status: ClusterStatus };

const TIMEOUT_MS = 5000;

/** Reads the cluster status from the controller named by pages.controllerUrl, with its reader token. */
@Injectable()
export class ClusterStatusClient {
  constructor(private readonly config: AggregatorConfig) {}

  async read(): Promise<ClusterStatusResult> {
    const { controllerUrl, controllerToken } = this.config.pages;
    if (!controllerUrl || !controllerToken) return { state: 'not-configured' };
    const url = new URL('/api/v1/cluster/status', controllerUrl);
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${controllerToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      // The status code only: the body of an error could echo what was sent.
      if (!response.ok) return { state: 'failed', error: `${url.origin} answered ${response.status}` };
      return { state: 'ok', status: (await response.json()) as ClusterStatus };
    } catch (error) {
      return { state: 'failed', error: `${url.origin}: ${(error as Error).message}` };
    }
  }
}
