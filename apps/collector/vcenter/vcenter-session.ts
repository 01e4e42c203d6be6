import { Logger } from '@nestjs/common';
import { VsphereClient, type Inventory, type PerfCounterCatalog, type SessionObserver } from '@vcc/vsphere';
import type { VcenterConnection } from '../controller/controller.types';
import { allEntities, type CollectEntity } from '../collection/entities';

export interface VcenterSessionOptions {
  timeoutMs: number;
  inventoryTtlMs: number;
  maxObjects: number;
  observer: SessionObserver & { connectFailed?(error: unknown): void };
}

/** What a vCenter tells once per session: counters, query limit, realtime sample interval. */
export interface VcenterFacts {
  catalog: PerfCounterCatalog;
  maxQueryMetrics: number | null;
  /** vCenter's realtime refresh rate (20 s), read from QueryPerfProviderSummary. */
  sampleSeconds: number;
}

const DEFAULT_SAMPLE_SECONDS = 20;

/**
 * One collector's connection to the vCenter it is assigned: the logged-in client, the inventory
 * (refreshed on a TTL and whenever the epoch changes) and the facts read once per session.
 */
export class VcenterSession {
  private readonly logger = new Logger('VcenterSession');
  private client?: VsphereClient;
  private connecting?: Promise<VsphereClient>;
  private facts?: VcenterFacts;
  private inventoryCache?: { inventory: Inventory; entities: CollectEntity[]; at: number; epoch: number };

  constructor(
    readonly connection: VcenterConnection,
    private readonly options: VcenterSessionOptions,
  ) {}

  /** Whether this session still matches the vCenter the controller assigns (credentials may change). */
  matches(connection: VcenterConnection): boolean {
    const a = this.connection;
    return (
      a.id === connection.id &&
      a.sdkUrl === connection.sdkUrl &&
      a.username === connection.username &&
      a.password === connection.password &&
      a.tls.insecure === connection.tls.insecure &&
      a.tls.caFile === connection.tls.caFile
    );
  }

  async vsphere(): Promise<VsphereClient> {
    if (this.client) return this.client;
    this.connecting ??= VsphereClient.connect({
      endpoint: {
        sdkUrl: this.connection.sdkUrl,
        insecure: this.connection.tls.insecure,
        caFile: this.connection.tls.caFile ?? undefined,
        timeoutMs: this.options.timeoutMs,
      },
      credentials: { username: this.connection.username, password: this.connection.password },
      session: { observer: this.options.observer },
    })
      .then((client) => {
        this.client = client;
        this.logger.log(
          `connected to ${this.connection.name} (${client.about.fullName}, API ${client.about.apiVersion})`,
        );
        return client;
      })
      .catch((error: unknown) => {
        this.options.observer.connectFailed?.(error);
        throw error;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async vcenterFacts(): Promise<VcenterFacts> {
    if (this.facts) return this.facts;
    const client = await this.vsphere();
    const [catalog, limit] = await Promise.all([
      client.performance.counterCatalog(),
      client.performance.queryLimit(),
    ]);
    let sampleSeconds = DEFAULT_SAMPLE_SECONDS;
    const { hosts } = await this.inventory(-1);
    if (hosts[0]) {
      const summary = await client.performance.providerSummary({ type: 'HostSystem', value: hosts[0].moref });
      sampleSeconds = summary.refreshRate ?? DEFAULT_SAMPLE_SECONDS;
    }
    this.logger.log(
      `${this.connection.name}: ${catalog.byKey.size} counters, maxQueryMetrics ${limit.maxQueryMetrics ?? 'unlimited'} (${limit.source}), realtime every ${sampleSeconds} s`,
    );
    this.facts = { catalog, maxQueryMetrics: limit.maxQueryMetrics, sampleSeconds };
    return this.facts;
  }

  /** The inventory, refreshed when older than the TTL or when the epoch changed (-1: any cached copy). */
  async inventory(epoch: number): Promise<Inventory & { entities: CollectEntity[] }> {
    const cached = this.inventoryCache;
    const fresh =
      cached &&
      Date.now() - cached.at < this.options.inventoryTtlMs &&
      (epoch === -1 || cached.epoch === epoch);
    if (!fresh) {
      const client = await this.vsphere();
      const started = Date.now();
      const inventory = await client.inventory(this.options.maxObjects);
      this.inventoryCache = {
        inventory,
        entities: allEntities(inventory, this.connection.name),
        at: Date.now(),
        epoch: epoch === -1 ? (cached?.epoch ?? -1) : epoch,
      };
      this.logger.log(
        `${this.connection.name}: inventory of ${inventory.vms.length} VMs, ${inventory.hosts.length} hosts, ${inventory.clusters.length} clusters, ${inventory.datastores.length} datastores in ${Date.now() - started} ms`,
      );
    }
    return { ...this.inventoryCache!.inventory, entities: this.inventoryCache!.entities };
  }

  /** vCenter's clock in whole seconds: windows must not depend on the collector's own clock. */
  async now(): Promise<number> {
    return Math.floor((await (await this.vsphere()).currentTime()).getTime() / 1000);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}
